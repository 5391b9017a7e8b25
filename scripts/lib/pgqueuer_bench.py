"""pgqueuer's side of scripts/bench-queue: enqueue N empty jobs, then drain them with CONSUMERS
processes (pgqueuer's QueueManager, asyncpg, batch size 10 as pgqueuer defaults), and print
jobs per second of the draining. Usage: python pgqueuer_bench.py DSN JOBS CONSUMERS"""
import asyncio
import multiprocessing
import sys
import time
from datetime import timedelta

import asyncpg
from pgqueuer import AsyncpgDriver, QueueManager, Queries
from pgqueuer.types import QueueExecutionMode


async def prepare(dsn: str, jobs: int) -> None:
    connection = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(connection))
    if not await queries.has_table("pgqueuer"):
        await queries.install()
    await queries.clear_queue()
    for start in range(0, jobs, 10_000):
        count = min(10_000, jobs - start)
        await queries.enqueue(["bench"] * count, [None] * count, [0] * count)
    await connection.close()


async def consume(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))

    @manager.entrypoint("bench")
    async def bench(job) -> None:  # an empty job: the queue's own cost only
        return None

    await manager.run(mode=QueueExecutionMode.drain, dequeue_timeout=timedelta(seconds=1),
                      log_aggregation_interval=timedelta(0))
    await connection.close()


def consumer_process(dsn: str) -> None:
    asyncio.run(consume(dsn))


def main() -> None:
    dsn, jobs, consumers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    asyncio.run(prepare(dsn, jobs))
    started = time.perf_counter()
    processes = [multiprocessing.Process(target=consumer_process, args=(dsn,)) for _ in range(consumers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    seconds = time.perf_counter() - started
    print(f"jobs={jobs}")
    print(f"seconds={seconds}")
    print(f"jobs_per_second={jobs / seconds:.0f}")


if __name__ == "__main__":
    main()
