/**
 * Every `shards`-th item of a listing, from the `shard`-th (0-based): one process's share when n
 * processes each read the same listing (bench/all-cores.ts). Listing order is the same for all of
 * them, so the shares are disjoint and together hold every item.
 */
export async function* sharded<T>(items: AsyncIterable<T>, shard: number, shards: number): AsyncGenerator<T> {
  let index = 0;
  for await (const item of items) if (index++ % shards === shard) yield item;
}
