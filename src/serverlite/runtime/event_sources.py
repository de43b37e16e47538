"""Event source mappings for DynamoDB streams: poll the Streams API over HTTP, invoke in order.

What Lambda does (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html and
services-ddb-params.html): it reads the stream's shard in order, drops records that match none of
the mapping's filters (before batching, so they do not count toward BatchSize), gathers up to
BatchSize records or waits MaximumBatchingWindowInSeconds (default 0) for more, and invokes the
function with ``{"Records": [...]}``, each record as GetRecords returns it plus ``eventSourceARN``.
A failed batch blocks its shard: it is retried (MaximumRetryAttempts, default -1 = until the records
expire) and, with BisectBatchOnFunctionError, split in two before each retry; a batch whose retries
are exhausted is discarded and the shard moves on.

Locally: one poller per mapping talks to the DynamoDB server's Streams API (the runtime never
imports serverlite.dynamodb), resolves the stream by table name at start (so ``!GetAtt T.StreamArn``
works whatever the label), and checkpoints the last sequence number it handled in
``<data dir>/event_sources/<mapping id>.json``, so records written while serverlite was stopped
are delivered after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import typing as t
from pathlib import Path

import aiohttp

from serverlite.runtime.event_filters import RecordFilter
from serverlite.runtime.invoker import Invoker
from serverlite.template.model import EventSourceMapping

__all__ = ["EventSources", "StreamPoller", "StreamsClient", "StreamsError", "is_dynamodb_stream"]

_TARGET = "DynamoDBStreams_20120810."
_CONTENT_TYPE = "application/x-amz-json-1.0"
_MAX_LIMIT = 1000  # GetRecords returns at most 1000 records
_RETRY_BACKOFF = (0.05, 2.0)  # first and longest wait between retries of a failed batch, seconds


def is_dynamodb_stream(arn: str) -> bool:
    """`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL`."""
    return arn.split(":")[2:3] == ["dynamodb"] and "/stream/" in arn


def _table_name(stream_arn: str) -> str:
    return stream_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]


class StreamsError(Exception):
    """An error answer of the Streams API: `code` is the AWS error type."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class StreamsClient:
    """A minimal DynamoDB Streams client (JSON 1.0 over HTTP, unsigned, as the local server accepts)."""

    def __init__(self, endpoint: str) -> None:
        self._endpoint = endpoint.rstrip("/") + "/"
        self._session: aiohttp.ClientSession | None = None

    async def call(self, operation: str, body: dict[str, t.Any]) -> dict[str, t.Any]:
        """One request; raises StreamsError for an error answer, aiohttp/OS errors when unreachable."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {"X-Amz-Target": _TARGET + operation, "Content-Type": _CONTENT_TYPE}
        async with self._session.post(self._endpoint, data=json.dumps(body), headers=headers) as response:
            answer: dict[str, t.Any] = json.loads(await response.read())
        if response.status != 200:
            code = str(answer.get("__type", "")).rsplit("#", 1)[-1]
            raise StreamsError(code, str(answer.get("message") or answer.get("Message") or ""))
        return answer

    async def close(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()


class StreamPoller:
    """Delivers one mapping's stream records to its function, in order."""

    def __init__(
        self,
        mapping: EventSourceMapping,
        invoker: Invoker,
        client: StreamsClient,
        checkpoints: Path,
        *,
        poll_interval: float = 0.01,
        log: t.Callable[[str], None] | None = None,
    ) -> None:
        self.mapping = mapping
        self._invoker = invoker
        self._client = client
        self._checkpoint_file = checkpoints / f"{mapping.id}.json"
        self._poll_interval = poll_interval
        self._filter = RecordFilter(mapping.filter_patterns)
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.stream_arn: str | None = None
        self._shard_id = ""
        self._iterator: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> bool:
        """Find the stream and position the iterator (so writes after this returns are seen); then poll.

        Returns False (and logs why) when the table has no stream.
        """
        stream_arn = await self._resolve_stream()
        if stream_arn is None:
            self._log(
                f"{self.mapping.logical_id}: table {_table_name(self.mapping.event_source_arn)} has no stream"
            )
            return False
        self.stream_arn = stream_arn
        description = await self._client.call("DescribeStream", {"StreamArn": stream_arn})
        self._shard_id = description["StreamDescription"]["Shards"][0]["ShardId"]
        self._iterator = await self._initial_iterator()
        self._task = asyncio.ensure_future(self._run())
        return True

    async def close(self, seconds: float = 5.0) -> bool:
        """Stop polling (a batch being delivered is abandoned; its records come again after a restart).

        False when the poll did not end within `seconds` (it is then left cancelled and reported)."""
        self._stopping = True
        if self._task is None or self._task.done():
            return True
        self._task.cancel()
        done, _ = await asyncio.wait({self._task}, timeout=seconds)
        if not done:
            self._log(f"{self.mapping.logical_id}: the stream poller did not stop within {seconds:g} s")
        return bool(done)

    async def _resolve_stream(self) -> str | None:
        wanted = self.mapping.event_source_arn
        answer = await self._client.call("ListStreams", {"TableName": _table_name(wanted)})
        arns = [stream["StreamArn"] for stream in answer.get("Streams", [])]
        if wanted in arns:
            return wanted
        return arns[-1] if arns else None

    async def _initial_iterator(self) -> str:
        checkpoint = self._read_checkpoint()
        if checkpoint is not None:
            try:
                return await self._iterator_at("AFTER_SEQUENCE_NUMBER", checkpoint)
            except StreamsError as error:
                if error.code != "TrimmedDataAccessException":
                    raise
                return await self._iterator_at("TRIM_HORIZON")
        position = self.mapping.starting_position
        return await self._iterator_at(position if position in ("TRIM_HORIZON", "LATEST") else "LATEST")

    async def _iterator_at(self, kind: str, sequence_number: str | None = None) -> str:
        body = {"StreamArn": self.stream_arn, "ShardId": self._shard_id, "ShardIteratorType": kind}
        if sequence_number is not None:
            body["SequenceNumber"] = sequence_number
        answer = await self._client.call("GetShardIterator", body)
        return str(answer["ShardIterator"])

    async def _run(self) -> None:
        # `_stopping` as well as the cancellation: a poll must end even if a library swallowed the latter.
        while self._iterator is not None and not self._stopping:
            try:
                batch, last = await self._collect()
                if batch:
                    await self._deliver(batch)
                if last is not None and not self._stopping:
                    self._write_checkpoint(last)
            except StreamsError as error:
                self._log(f"{self.mapping.logical_id}: {error}")
                await asyncio.sleep(1.0)
                self._iterator = await self._initial_iterator()
            except (aiohttp.ClientError, OSError, ValueError) as error:
                self._log(f"{self.mapping.logical_id}: DynamoDB Streams unreachable: {error}")
                await asyncio.sleep(1.0)

    async def _collect(self) -> tuple[list[dict[str, t.Any]], str | None]:
        """The next batch (filtered) and the last sequence number read, waiting for records as configured."""
        size, window = self.mapping.batch_size, self.mapping.maximum_batching_window_seconds
        batch: list[dict[str, t.Any]] = []
        last: str | None = None
        deadline: float | None = None
        while self._iterator is not None and not self._stopping:
            limit = min(_MAX_LIMIT, size - len(batch))
            answer = await self._client.call("GetRecords", {"ShardIterator": self._iterator, "Limit": limit})
            self._iterator = answer.get("NextShardIterator")
            records = answer.get("Records", [])
            for record in records:
                last = record["dynamodb"]["SequenceNumber"]
                if self._filter.matches(record):
                    batch.append({**record, "eventSourceARN": self.stream_arn})
            if len(batch) >= size or (batch and window <= 0) or (last is not None and not batch):
                break
            now = time.monotonic()
            if batch:
                deadline = deadline if deadline is not None else now + window
                if now >= deadline:
                    break
            if not records:
                pause = self._poll_interval if deadline is None else min(self._poll_interval, deadline - now)
                await asyncio.sleep(max(pause, 0.0))
        return batch, last

    async def _deliver(self, records: list[dict[str, t.Any]], attempts: int = 0) -> None:
        """Invoke until it succeeds, bisecting and retrying as configured; exhausted batches are dropped."""
        limit = self.mapping.maximum_retry_attempts
        while not self._stopping:
            result = await self._invoker.invoke(
                self.mapping.function, json.dumps({"Records": records}).encode()
            )
            if not result.failed:
                return
            if limit >= 0 and attempts >= limit:
                first, last = (
                    records[0]["dynamodb"]["SequenceNumber"],
                    records[-1]["dynamodb"]["SequenceNumber"],
                )
                self._log(
                    f"{self.mapping.logical_id}: discarded {len(records)} record(s) {first}..{last} "
                    f"after {attempts} retries: {result.error_type}: {result.error_message}"
                )
                return
            attempts += 1
            await asyncio.sleep(min(_RETRY_BACKOFF[0] * 2 ** (attempts - 1), _RETRY_BACKOFF[1]))
            if self.mapping.bisect_batch_on_function_error and len(records) > 1:
                half = len(records) // 2
                await self._deliver(records[:half], attempts)
                await self._deliver(records[half:], attempts)
                return

    def _read_checkpoint(self) -> str | None:
        try:
            saved = json.loads(self._checkpoint_file.read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(saved, dict) or saved.get("StreamArn") != self.stream_arn:
            return None
        number = saved.get("SequenceNumber")
        return number if isinstance(number, str) else None

    def _write_checkpoint(self, sequence_number: str) -> None:
        self._checkpoint_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._checkpoint_file.with_suffix(".tmp")
        temporary.write_text(json.dumps({"StreamArn": self.stream_arn, "SequenceNumber": sequence_number}))
        temporary.replace(self._checkpoint_file)


class EventSources:
    """Every enabled DynamoDB stream mapping of an application, started and stopped together."""

    def __init__(
        self,
        mappings: t.Iterable[EventSourceMapping],
        invoker: Invoker,
        dynamodb_endpoint: str,
        checkpoints: Path,
        *,
        poll_interval: float = 0.01,
        log: t.Callable[[str], None] | None = None,
    ) -> None:
        self._client = StreamsClient(dynamodb_endpoint)
        self.pollers = [
            StreamPoller(mapping, invoker, self._client, checkpoints, poll_interval=poll_interval, log=log)
            for mapping in mappings
            if mapping.enabled and is_dynamodb_stream(mapping.event_source_arn)
        ]

    async def start(self) -> None:
        """Start every poller; a mapping whose table has no stream is skipped (logged)."""
        started = await asyncio.gather(*(poller.start() for poller in self.pollers))
        self.pollers = [poller for poller, ok in zip(self.pollers, started, strict=True) if ok]

    async def close(self) -> list[str]:
        """Stop every poller (each within a bound) and the HTTP client; returns the mappings whose poller
        had to be abandoned (each also reported through `log`)."""
        stopped = await asyncio.gather(*(poller.close() for poller in self.pollers))
        abandoned = [p.mapping.logical_id for p, ok in zip(self.pollers, stopped, strict=True) if not ok]
        with contextlib.suppress(Exception):
            await self._client.close()
        return abandoned
