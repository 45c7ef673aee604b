// Writes docs/RULES.md from the rules in domain/ (see domain/rules-doc.ts).
// Run: npx tsx scripts/rules-docs.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRulesDoc } from '../domain/rules-doc';

const target = fileURLToPath(new URL('../docs/RULES.md', import.meta.url));
writeFileSync(target, renderRulesDoc());
console.log(`wrote ${target}`);
