import { z } from 'zod';
import { parseYamlConfig } from '../../../src/config/read-yaml-config';
import { UserError } from '../../../src/errors/user-error';

const Schema = z.strictObject({ images: z.record(z.string(), z.unknown()).default({}) });

const failure = (text: string): UserError => {
  try {
    parseYamlConfig(text, Schema, 'pins.yaml');
  } catch (e) {
    return e as UserError;
  }
  throw new Error('no error');
};

// Found by the workspace property test: these used to end in "internal error (please report): ReferenceError".
describe('parseYamlConfig: YAML that parses but cannot be resolved is a user error', () => {
  it('an alias to an anchor that is not defined (before it) names its line', () => {
    const e = failure('images:\n  a: *nowhere\n');
    expect(e).toBeInstanceOf(UserError);
    expect(e.format()).toMatch(/^pins\.yaml:2: invalid YAML: .*anchor/);
    expect(e.hint).toMatch(/before its alias/);
    expect(failure('*!').location).toEqual({ file: 'pins.yaml', line: 1 });
  });

  it('aliases that expand beyond the resource limit ("billion laughs")', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    const e = failure(lines.join('\n') + '\n');
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toMatch(/invalid YAML: .*alias/i);
  });
});
