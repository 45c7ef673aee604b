// Prisma 7 reads its settings here. DATABASE_URL is only needed by CLI
// commands that touch a database; generation works without one.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/liangshan' },
});
