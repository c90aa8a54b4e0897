import { tempWorkspace, type TempWorkspace } from './temp-workspace';
import { TEST_BASE_IMAGE } from './engine-fixture';

/**
 * A small graph for engine tests, on the busybox base:
 *   lib -> app        (app COPY --from lib)
 *   other             (independent branch)
 * Images are named under `prefix` so parallel runs never collide.
 */
export function testStack(prefix: string, extra: Record<string, string> = {}): TempWorkspace {
  return tempWorkspace({
    'pins.yaml': `platforms: [linux/amd64]\nimages:\n  busybox: ${TEST_BASE_IMAGE}\nversions:\n  greeting: hello\n`,
    'profiles/missing.yaml': 'images:\n  busybox: fragments-local/does-not-exist:0\n',
    'fragments/lib/fragment.yaml': `image: ${prefix}lib\nbases: { BASE: busybox }\npins: { GREETING: greeting }\n`,
    'fragments/lib/Dockerfile': 'ARG BASE\nFROM ${BASE}\nARG GREETING\nCOPY lib.txt /opt/lib/lib.txt\nRUN echo "$GREETING from lib" > /opt/lib/greeting\n',
    'fragments/lib/lib.txt': 'lib v1\n',
    'fragments/app/fragment.yaml': `image: ${prefix}app\nuses: { LIB: lib }\nbases: { BASE: busybox }\n`,
    'fragments/app/Dockerfile': 'ARG LIB\nARG BASE\nFROM ${LIB} AS lib\nFROM ${BASE}\nCOPY --from=lib /opt/lib /opt/lib\nCOPY app.txt /opt/app.txt\nRUN cat /opt/lib/greeting /opt/app.txt\n',
    'fragments/app/app.txt': 'app v1\n',
    'fragments/other/fragment.yaml': `image: ${prefix}other\nbases: { BASE: busybox }\n`,
    'fragments/other/Dockerfile': 'ARG BASE\nFROM ${BASE}\nRUN echo other > /other\n',
    ...extra,
  });
}
