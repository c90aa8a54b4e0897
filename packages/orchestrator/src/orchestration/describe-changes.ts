import type { InputChanges } from './image-labels';

/**
 * What differs from the image a node was last built as, for people: `Dockerfile; files: a.txt, src/b.c; args: MODE;
 * upstream: BASE`. Pure formatting, so the plan table can use it without loading the engine queries.
 */
export function describeChanges(changes: InputChanges): string {
  const parts: string[] = [];
  if (changes.dockerfile) parts.push('Dockerfile');
  if (changes.target) parts.push('target');
  if (changes.files.length > 0) parts.push(`files: ${abbreviate(changes.files)}`);
  if (changes.args.length > 0) parts.push(`args: ${abbreviate(changes.args)}`);
  if (changes.upstream.length > 0) parts.push(`upstream: ${abbreviate(changes.upstream)}`);
  return parts.length > 0 ? parts.join('; ') : 'no recorded input differs (hash format or platform changed)';
}

function abbreviate(items: string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
