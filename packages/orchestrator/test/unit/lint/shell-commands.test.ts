import { commandName, parseShell } from '../../../src/lint/model/shell-commands';

const words = (script: string) => parseShell(script).map((c) => c.words.join(' '));

describe('parseShell: the simple commands a RUN script executes', () => {
  it('splits on ; && || | & and newlines', () => {
    expect(words('a 1; b 2 && c 3 || d 4 | e 5 & f 6\ng 7')).toEqual(['a 1', 'b 2', 'c 3', 'd 4', 'e 5', 'f 6', 'g 7']);
  });

  it('removes quotes but keeps expansions as written', () => {
    expect(words(`git clone --branch "\${REF}" 'https://x/y.git' /src/"a b"`)).toEqual(['git clone --branch ${REF} https://x/y.git /src/a b']);
  });

  it('separates leading assignments and unwraps sudo / env', () => {
    const [apt] = parseShell('DEBIAN_FRONTEND=noninteractive sudo -E env A=1 apt-get install -y x');
    expect(apt.words).toEqual(['apt-get', 'install', '-y', 'x']);
    expect(apt.assignments).toEqual(['DEBIAN_FRONTEND=noninteractive', 'A=1']);
  });

  it('reads commands inside $(…), backticks and <(…), also inside double quotes', () => {
    expect(words('v="$(curl -fsSL "https://x/$(uname -m)")"; w=`wget -q u`; diff <(sort a) b')).toEqual([
      'uname -m',
      'curl -fsSL https://x/$(uname -m)',
      'wget -q u',
      'sort a',
      'diff <(sort a) b',
    ]);
  });

  it('does not take $(( arithmetic )) for a command', () => {
    expect(words('sleep $((i * 5))')).toEqual(['sleep $((i * 5))']);
  });

  it('drops redirects and their targets', () => {
    expect(words('echo hi >&2; cmd 2>/dev/null > out.txt < in.txt; x &>/dev/null; y 2>&1')).toEqual(['echo hi', 'cmd', 'x', 'y']);
  });

  it('skips comments, also after a command', () => {
    expect(words('# apt-get install x\na # b c\nd')).toEqual(['a', 'd']);
  });

  it('strips if/then/else/do/done and drops for/case headers (a case pattern like `*)` is left as a harmless word)', () => {
    const script = 'for i in 1 2; do apt-get update && break; done; if [ -n "$X" ]; then echo "$X" | sha256sum -c -; else exit 1; fi; case "$A" in amd64) B=x86_64 ;; *) exit 1 ;; esac';
    expect(words(script)).toEqual(['apt-get update', 'break', '[ -n $X ]', 'echo $X', 'sha256sum -c -', 'exit 1', '*', 'exit 1']);
  });

  it('reads sh -c / bash -c scripts', () => {
    expect(words(`bash -c 'apt-get update && rm -rf /var/lib/apt/lists/*'`)).toEqual([
      'bash -c apt-get update && rm -rf /var/lib/apt/lists/*',
      'apt-get update',
      'rm -rf /var/lib/apt/lists/*',
    ]);
  });

  it('skips the body of a here-document (it is data)', () => {
    expect(words("cat <<'EOF' > /etc/x.conf\ncurl is not run here\nEOF\nls /etc")).toEqual(['cat', 'ls /etc']);
    expect(words('cat <<-EOF\n\tcurl no\n\tEOF\nls')).toEqual(['cat', 'ls']);
  });

  it('joins backslash-newline continuations', () => {
    expect(words('apt-get install \\\n  -y x')).toEqual(['apt-get install -y x']);
  });

  it('names commands by their basename', () => {
    expect(parseShell('/usr/bin/apt-get update; ./contrib/configure-release --prefix=/x').map(commandName)).toEqual(['apt-get', 'configure-release']);
  });

  it('never throws on broken input', () => {
    const broken = ['"unterminated', "'open", '$(no end', '${x', '`tick', 'a | | b', ')))', '<<EOF', '\\', 'case', '&>', '"$(a "b)', '$', '#'];
    for (const script of broken) expect(() => parseShell(script)).not.toThrow();
    // and random input of shell metacharacters
    const alphabet = ` \n\\'"$(){}\`|&;<>#=-a`;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const script = Array.from({ length: 1 + Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(() => parseShell(script)).not.toThrow();
    }
  });
});
