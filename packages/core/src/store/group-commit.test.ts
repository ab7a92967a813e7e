import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.js';

/** A commit that records the batches it was given and answers each item with its double. */
function recordingCommit() {
  const batches: number[][] = [];
  let failNext = false;
  const commit = async (items: readonly number[]) => {
    batches.push([...items]);
    await new Promise((resolve) => setTimeout(resolve, 1)); // storage takes a while
    if (failNext) {
      failNext = false;
      throw new Error('disk full');
    }
    return items.map((item) => item * 2);
  };
  return { commit, batches, failNextCommit: () => (failNext = true) };
}

describe('groupCommit', () => {
  it('writes asked for in one turn go in one commit; each caller gets its own result', async () => {
    const { commit, batches } = recordingCommit();
    const { write } = groupCommit(commit, 100);
    const results = await Promise.all([1, 2, 3, 4, 5].map(write));
    expect(results).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('writes asked for while a commit runs go together in the next one', async () => {
    const { commit, batches } = recordingCommit();
    const { write } = groupCommit(commit, 100);
    const first = write(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first commit has started
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4].map(write);
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('no commit holds more than the most allowed', async () => {
    const { commit, batches } = recordingCommit();
    const { write } = groupCommit(commit, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map(write))).toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a failed commit fails its own callers only; the next batch is tried afresh', async () => {
    const { commit, batches, failNextCommit } = recordingCommit();
    const { write } = groupCommit(commit, 100);
    failNextCommit();
    const failed = [1, 2].map(write);
    await new Promise((resolve) => setImmediate(resolve));
    const next = [3, 4].map(write);
    for (const call of failed) await expect(call).rejects.toThrow('disk full');
    expect(await Promise.all(next)).toEqual([6, 8]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // and a write after everything settled starts a commit of its own
    expect(await write(5)).toBe(10);
    expect(batches.at(-1)).toEqual([5]);
  });

  it('idle() resolves once every write queued so far has been committed', async () => {
    const { commit, batches } = recordingCommit();
    const group = groupCommit(commit, 100);
    await group.idle(); // nothing queued: at once
    const settled: number[] = [];
    for (const item of [1, 2, 3]) void group.write(item).then((result) => settled.push(result));
    await group.idle();
    expect(batches).toEqual([[1, 2, 3]]);
    expect(settled).toEqual([2, 4, 6]);
  });
});
