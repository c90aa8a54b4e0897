// The one image-reference parser: pins lock resolves references with it, and lint decides with it whether a base
// image is pinned.
import { unpinnedReason } from '../../../src/lint/rules/base-image-tag';
import { parseImageReference, registryApiHost, registryScheme } from '../../../src/registry/image-reference';

describe('image references, as Docker normalizes them', () => {
  it.each([
    ['busybox', 'docker.io', 'library/busybox', 'latest'],
    ['busybox:1.37.0', 'docker.io', 'library/busybox', '1.37.0'],
    ['docker.io/library/busybox:1.37.0', 'docker.io', 'library/busybox', '1.37.0'],
    ['vllm/vllm-openai:v0.26.0-ubuntu2404', 'docker.io', 'vllm/vllm-openai', 'v0.26.0-ubuntu2404'],
    ['nvcr.io/nvidia/cuda:13.0.2-runtime-ubuntu24.04', 'nvcr.io', 'nvidia/cuda', '13.0.2-runtime-ubuntu24.04'],
    ['127.0.0.1:5000/test/bb:1', '127.0.0.1:5000', 'test/bb', '1'],
    ['localhost/x', 'localhost', 'x', 'latest'],
    ['localhost:5000/a/b/c', 'localhost:5000', 'a/b/c', 'latest'],
  ])('%s', (ref, domain, repository, tag) => {
    expect(parseImageReference(ref)).toMatchObject({ domain, repository, tag, tagged: tag !== 'latest' || ref.endsWith(':latest') });
  });

  it('keeps a digest apart from the tag', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`127.0.0.1:5000/test/bb:1@${d}`)).toMatchObject({ domain: '127.0.0.1:5000', repository: 'test/bb', tag: '1', digest: d });
  });

  it('talks http to loopback registries only, and to Docker Hub at its API host', () => {
    expect(registryScheme('127.0.0.1:5000')).toBe('http');
    expect(registryScheme('127.3.2.1:80')).toBe('http');
    expect(registryScheme('localhost:5000')).toBe('http');
    expect(registryScheme('[::1]:5000')).toBe('http');
    expect(registryScheme('registry.example.com:5000')).toBe('https');
    expect(registryScheme('10.0.0.1:5000')).toBe('https');
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
  });
});

describe('whether a base image reference pins a version (lint base-image-tag)', () => {
  it.each([
    ['busybox:1.37.0', undefined],
    ['127.0.0.1:5000/test/bb:1', undefined],
    [`busybox@sha256:${'a'.repeat(64)}`, undefined],
    ['scratch', undefined],
    ['SCRATCH', undefined],
    ['busybox', 'has no tag, so it means "latest" and changes under the build'],
    ['127.0.0.1:5000/test/bb', 'has no tag, so it means "latest" and changes under the build'],
    ['busybox:latest', 'uses the "latest" tag, which moves'],
    [`busybox:latest@sha256:${'a'.repeat(64)}`, 'uses the "latest" tag, which moves'],
  ])('%s', (ref, reason) => {
    expect(unpinnedReason(ref)).toBe(reason);
  });

  it('tells a port from a tag', () => {
    expect(parseImageReference('127.0.0.1:5000/test/bb')).toMatchObject({ domain: '127.0.0.1:5000', repository: 'test/bb', tag: 'latest', tagged: false });
    expect(parseImageReference(`busybox@sha256:${'b'.repeat(64)}`)).toMatchObject({ repository: 'library/busybox', tagged: false, digest: `sha256:${'b'.repeat(64)}` });
  });
});
