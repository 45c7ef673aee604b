// The office directory's row check (domain/offices.ts): regions of Guizhou
// only, mailbox and contact syntax, every problem of a file listed at once.
import { describe, expect, it } from 'vitest';
import { officeNameFor, officeRegionProblem, officesWithoutMailbox, validateOfficeDirectory, validateOfficeFields } from '../../domain/offices';

describe('office directory rows', () => {
  it('takes the province, a prefecture or a county, and nothing else', () => {
    expect(officeRegionProblem('520000')).toBeNull();
    expect(officeRegionProblem('520300')).toBeNull();
    expect(officeRegionProblem('520381')).toBeNull();
    for (const bad of ['529999', '520399', '110000', '', 520300]) expect(officeRegionProblem(bad)).toMatchObject({ field: 'region', code: 'unknownRegion' });
    expect(officeRegionProblem('529999')!.zh).toContain('不是贵州省的行政区划代码');
  });

  it('names an office by its region', () => {
    expect(officeNameFor('520000')).toBe('贵州省生态环境厅');
    expect(officeNameFor('520300')).toBe('遵义市生态环境局');
  });

  it('checks the mailbox and the contact, empty meaning none', () => {
    expect(validateOfficeFields({ name: ' 遵义市生态环境局 ', email: '', contactPhone: '0851-28220000 转 2', contactEmail: null })).toEqual({
      fields: { name: '遵义市生态环境局', email: null, contactPhone: '0851-28220000 转 2', contactAddress: null, contactEmail: null },
      problems: [],
    });
    const { problems } = validateOfficeFields({ name: '', email: 'not-an-address', contactPhone: 'call me', contactEmail: 'a@b', contactAddress: 'x'.repeat(201) });
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['name', 'missing'],
      ['email', 'notAnEmail'],
      ['contactPhone', 'notAPhone'],
      ['contactAddress', 'tooLong'],
      ['contactEmail', 'notAnEmail'],
    ]);
    for (const p of problems) expect(p.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('lists every problem of a file at once, row by row', () => {
    const { offices, problems } = validateOfficeDirectory([
      { region: '520000', name: '贵州省生态环境厅', email: 'lsjd@gz.example' },
      { region: '529999', name: '无此地', email: 'x@gz.example' },
      { region: '520300', name: '遵义市生态环境局', email: 'bad', fax: '1' },
      { region: '520000', name: '重复', email: '' },
      'not a row',
    ]);
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['offices[1].region', 'unknownRegion'],
      ['offices[2].fax', 'unknownField'],
      ['offices[2].email', 'notAnEmail'],
      ['offices[3].region', 'duplicate'],
      ['offices[4]', 'notAnObject'],
    ]);
    expect(offices.map((o) => o.region)).toEqual(['520000', '520300', '520000']);
    expect(validateOfficeDirectory({ offices: [] }).problems[0]).toMatchObject({ code: 'notAList' });
  });

  it('names the offices the system writes to that have no mailbox', () => {
    expect(officesWithoutMailbox([{ region: '520000', name: '省厅', email: 'a@b.example' }, { region: '520300', name: '遵义', email: null }], ['520000', '520300', '520100'])).toEqual([
      { region: '520300', name: '遵义' },
      { region: '520100', name: '贵阳市生态环境局' },
    ]);
  });
});
