"""LogStore: names on disk, append, describe, GetLogEvents pages, FilterLogEvents pages, follow."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from serverlite.logs.errors import (
    InvalidParameterException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
)
from serverlite.logs.store import GroupInfo, LogStore, StreamInfo, decode_name, encode_name
from serverlite.logs.tokens import encode_events_token

GROUP = "/aws/lambda/DemoHandleItem"
STREAM = "2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef"


@pytest.fixture
def store(tmp_path: Path) -> LogStore:
    clock = iter(range(1000, 10**9, 1000))
    return LogStore(tmp_path / "logs", clock=lambda: next(clock))


def messages(events: list) -> list[str]:
    return [event.message for event in events]


@pytest.mark.parametrize(
    ("name", "segment"),
    [
        ("/aws/lambda/DemoHandleItem", "%2Faws%2Flambda%2FDemoHandleItem"),
        ("2026/11/26/[$LATEST]abc", "2026%2F11%2F26%2F%5B%24LATEST%5Dabc"),
        ("API-Gateway-Execution-Logs_a1b2c3/prod", "API-Gateway-Execution-Logs_a1b2c3%2Fprod"),
        (".", "%2E"),
        ("..", "%2E."),
        ("a~b#c", "a%7Eb%23c"),
    ],
)
def test_names_map_to_one_reversible_segment(name: str, segment: str) -> None:
    assert encode_name(name) == segment
    assert decode_name(segment) == name


def test_append_writes_header_and_json_lines(store: LogStore) -> None:
    store.append(GROUP, STREAM, [(5, "START RequestId: r1 Version: $LATEST\n"), (6, 'a "quoted" \\ é')])
    store.flush()
    path = store.root / encode_name(GROUP) / encode_name(STREAM)
    assert path.read_bytes() == (
        b'{"logStreamName":"2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef","creationTime":1000}\n'
        b'{"timestamp":5,"message":"START RequestId: r1 Version: $LATEST\\n","ingestionTime":1000}\n'
        b'{"timestamp":6,"message":"a \\"quoted\\" \\\\ \\u00e9","ingestionTime":1000}\n'
    )


def test_appended_events_reach_the_file_within_the_flush_interval(store: LogStore) -> None:
    """Other processes (`serverlite logs`) read the files: the flusher thread pushes appends within 50 ms."""
    store.append(GROUP, STREAM, [(5, "late reader")])
    path = store.root / encode_name(GROUP) / encode_name(STREAM)
    deadline = time.monotonic() + 5
    while b"late reader" not in path.read_bytes():
        assert time.monotonic() < deadline, "never flushed"
        time.sleep(0.01)
    assert path.read_bytes().endswith(b'{"timestamp":5,"message":"late reader","ingestionTime":1000}\n')


def test_messages_round_trip_exactly(store: LogStore) -> None:
    tricky = [
        "[ERROR] ValueError: boom\rTraceback (most recent call last):\r\xa0 File x",
        "two\nlines\n",
        "\t tabs and trailing spaces  ",
        "emoji 🎵 and \x00 nul",
        "",
    ]
    store.append(GROUP, STREAM, [(i, text) for i, text in enumerate(tricky)])
    assert messages(store.events(GROUP, STREAM).events) == tricky


def test_describe_groups_and_streams(store: LogStore) -> None:
    store.create_group("/aws/lambda/Empty")
    store.append(GROUP, "b", [(20, "x"), (30, "yy")])
    store.append(GROUP, "a", [(50, "zzz")])
    store.create_stream(GROUP, "c")
    size_b = len(b'{"timestamp":20,"message":"x","ingestionTime":2000}\n') + len(
        b'{"timestamp":30,"message":"yy","ingestionTime":2000}\n'
    )
    size_a = len(b'{"timestamp":50,"message":"zzz","ingestionTime":3000}\n')
    assert store.groups() == [
        GroupInfo("/aws/lambda/DemoHandleItem", 2000, size_a + size_b),
        GroupInfo("/aws/lambda/Empty", 1000, 0),
    ]
    assert store.groups(prefix="/aws/lambda/E") == [GroupInfo("/aws/lambda/Empty", 1000, 0)]
    assert store.streams(GROUP) == [
        StreamInfo("a", 3000, 50, 50, 3000, size_a),
        StreamInfo("b", 2000, 20, 30, 2000, size_b),
        StreamInfo("c", 4000, None, None, None, 0),
    ]
    by_time = store.streams(GROUP, order_by="LastEventTime", descending=True)
    assert [info.name for info in by_time] == ["a", "b", "c"]
    assert [info.name for info in store.streams(GROUP, prefix="b")] == ["b"]


def test_create_errors_use_aws_messages(store: LogStore) -> None:
    store.create_group(GROUP)
    with pytest.raises(ResourceAlreadyExistsException, match="^The specified log group already exists$"):
        store.create_group(GROUP)
    with pytest.raises(ResourceNotFoundException, match=r"^The specified log group does not exist\.$"):
        store.create_stream("/nope", "s")
    store.create_stream(GROUP, "s")
    with pytest.raises(ResourceAlreadyExistsException, match="^The specified log stream already exists$"):
        store.create_stream(GROUP, "s")
    with pytest.raises(ResourceNotFoundException, match=r"^The specified log stream does not exist\.$"):
        store.events(GROUP, "missing")
    with pytest.raises(ResourceNotFoundException, match=r"^The specified log group does not exist\.$"):
        store.streams("/nope")


def test_get_events_forward_pages_and_end_token(store: LogStore) -> None:
    store.append(GROUP, STREAM, [(t, f"m{t}") for t in range(1, 6)])
    first = store.events(GROUP, STREAM, limit=2)
    assert messages(first.events) == ["m1", "m2"]
    second = store.events(GROUP, STREAM, limit=2, next_token=first.next_forward_token)
    assert messages(second.events) == ["m3", "m4"]
    third = store.events(GROUP, STREAM, limit=2, next_token=second.next_forward_token)
    assert messages(third.events) == ["m5"]
    end = store.events(GROUP, STREAM, limit=2, next_token=third.next_forward_token)
    # "If you have reached the end of the stream, it returns the same token you passed in."
    assert (end.events, end.next_forward_token) == ([], third.next_forward_token)
    back = store.events(GROUP, STREAM, limit=2, next_token=second.next_backward_token)
    assert messages(back.events) == ["m1", "m2"]


def test_get_events_from_tail_and_backward(store: LogStore) -> None:
    store.append(GROUP, STREAM, [(t, f"m{t}") for t in range(1, 6)])
    latest = store.events(GROUP, STREAM, start_from_head=False, limit=2)
    assert messages(latest.events) == ["m4", "m5"]
    older = store.events(GROUP, STREAM, limit=2, next_token=latest.next_backward_token)
    assert messages(older.events) == ["m2", "m3"]
    oldest = store.events(GROUP, STREAM, limit=2, next_token=older.next_backward_token)
    assert messages(oldest.events) == ["m1"]
    done = store.events(GROUP, STREAM, limit=2, next_token=oldest.next_backward_token)
    assert (done.events, done.next_backward_token) == ([], oldest.next_backward_token)
    store.append(GROUP, STREAM, [(6, "m6")])
    newer = store.events(GROUP, STREAM, next_token=latest.next_forward_token)
    assert messages(newer.events) == ["m6"]


def test_get_events_time_range_includes_start_excludes_end(store: LogStore) -> None:
    store.append(GROUP, STREAM, [(t, f"m{t}") for t in range(1, 6)])
    assert messages(store.events(GROUP, STREAM, start=2, end=4).events) == ["m2", "m3"]
    assert messages(store.events(GROUP, STREAM, start=2, end=4, start_from_head=False).events) == ["m2", "m3"]


def test_event_fields(store: LogStore) -> None:
    store.append(GROUP, STREAM, [(1764151872534, "hello")])
    event = store.events(GROUP, STREAM).events[0]
    assert (event.log_stream_name, event.timestamp, event.message, event.ingestion_time) == (
        STREAM,
        1764151872534,
        "hello",
        1000,
    )
    assert len(event.event_id) == 56 and event.event_id.isdigit()
    assert event.event_id.startswith("00000001764151872534")


@pytest.mark.parametrize(
    "token",
    ["", "f/12/s", "x/" + "0" * 56 + "/s", encode_events_token("f", 3), encode_events_token("f", 10**9)],
)
def test_bad_events_token_is_invalid_parameter(store: LogStore, token: str) -> None:
    store.append(GROUP, STREAM, [(1, "m1")])
    with pytest.raises(InvalidParameterException, match=r"^The specified nextToken is invalid\.$"):
        store.events(GROUP, STREAM, next_token=token or "garbage")


def test_filter_interleaves_streams_by_timestamp_and_pages(store: LogStore) -> None:
    store.append(GROUP, "a", [(1, "a1"), (4, "a4"), (5, "a5")])
    store.append(GROUP, "b", [(2, "b2"), (3, "b3"), (6, "b6")])
    seen, token, pages = [], None, 0
    while True:
        page = store.filter_events(GROUP, limit=2, next_token=token)
        seen += [(event.log_stream_name, event.message) for event in page.events]
        pages += 1
        if page.next_token is None:
            break
        token = page.next_token
    expected = [("a", "a1"), ("b", "b2"), ("b", "b3"), ("a", "a4"), ("a", "a5"), ("b", "b6")]
    assert (seen, pages) == (expected, 3)


def test_filter_by_streams_prefix_time_and_pattern(store: LogStore) -> None:
    store.append(GROUP, "a", [(1, "ERROR a1"), (4, "INFO a4")])
    store.append(GROUP, "b", [(2, "ERROR b2"), (3, "INFO b3")])
    assert messages(store.filter_events(GROUP, streams=["b"]).events) == ["ERROR b2", "INFO b3"]
    assert messages(store.filter_events(GROUP, stream_prefix="a").events) == ["ERROR a1", "INFO a4"]
    assert messages(store.filter_events(GROUP, start=2, end=4).events) == ["ERROR b2", "INFO b3"]
    assert messages(store.filter_events(GROUP, pattern="ERROR").events) == ["ERROR a1", "ERROR b2"]
    last = store.filter_events(GROUP, pattern="INFO", limit=2)
    assert (messages(last.events), last.next_token) == (["INFO b3", "INFO a4"], None)
    with pytest.raises(ResourceNotFoundException, match="log stream does not exist"):
        store.filter_events(GROUP, streams=["a", "zz"])


def test_filter_token_sees_streams_created_later(store: LogStore) -> None:
    store.append(GROUP, "a", [(1, "a1"), (2, "a2")])
    page = store.filter_events(GROUP, limit=1)
    store.append(GROUP, "b", [(3, "b3")])
    assert messages(store.filter_events(GROUP, next_token=page.next_token).events) == ["a2", "b3"]


def test_half_written_line_is_invisible(store: LogStore) -> None:
    store.append(GROUP, STREAM, [(1, "done")])
    store.flush()
    path = store.root / encode_name(GROUP) / encode_name(STREAM)
    with path.open("ab") as handle:
        handle.write(b'{"timestamp":2,"message":"half')
    assert messages(store.events(GROUP, STREAM).events) == ["done"]
    assert messages(store.events(GROUP, STREAM, start_from_head=False).events) == ["done"]
    assert messages(store.filter_events(GROUP).events) == ["done"]


def test_append_from_many_threads(store: LogStore) -> None:
    def write(worker: int) -> None:
        for i in range(500):
            store.append(GROUP, f"s{worker % 2}", [(i, f"w{worker} e{i}")])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    events = store.filter_events(GROUP).events
    assert len(events) == 4000
    assert sorted(messages(events)) == sorted(f"w{w} e{i}" for w in range(8) for i in range(500))


def test_reopens_files_beyond_the_open_file_cap(tmp_path: Path) -> None:
    store = LogStore(tmp_path / "logs", clock=lambda: 7, max_open_files=2)
    for round_ in range(2):
        for n in range(5):
            store.append(GROUP, f"s{n}", [(round_, f"r{round_}")])
    assert [messages(store.events(GROUP, f"s{n}").events) for n in range(5)] == [["r0", "r1"]] * 5
    store.close()


def test_append_100k_short_events(store: LogStore) -> None:
    """All kept, in order (their speed is a benchmark's business, not a test's: issue 14)."""
    for batch in range(1000):
        store.append(GROUP, STREAM, [(batch * 100 + i, f"line {i}") for i in range(100)])
    assert store.streams(GROUP)[0].last_event_timestamp == 99_999
    events = store.events(GROUP, STREAM, limit=10_000).events
    assert [(e.timestamp, e.message) for e in events[:2]] == [(0, "line 0"), (1, "line 1")]


def test_limited_read_does_not_load_the_file(store: LogStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.append(GROUP, STREAM, [(i, "x" * 100) for i in range(20_000)])
    read_sizes: list[int] = []
    original = Path.open

    def counting_open(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        handle = original(self, *args, **kwargs)
        if "b" in (args[0] if args else kwargs.get("mode", "r")):
            read = handle.read

            def counted(size: int = -1) -> bytes:
                data = read(size)
                read_sizes.append(len(data))
                return data

            handle.read = counted  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(Path, "open", counting_open)
    assert len(store.events(GROUP, STREAM, start_from_head=False, limit=3).events) == 3
    assert sum(read_sizes) < 70_000  # one 64 KiB chunk, not the 2.5 MB file


def test_follow_yields_old_then_new_events(store: LogStore) -> None:
    store.append(GROUP, "a", [(1, "too old"), (10, "old")])

    async def collect() -> list[str]:
        got: list[str] = []
        follower = store.follow(GROUP, since_ms=5, pattern="-skip", interval=0.05)
        async for event in follower:
            got.append(event.message)
            if event.message == "old":
                await asyncio.to_thread(store.append, GROUP, "b", [(20, "skip me"), (21, "new")])
            if event.message == "new":
                break
        await follower.aclose()
        return got

    assert asyncio.run(asyncio.wait_for(collect(), 5)) == ["old", "new"]


def test_follow_waits_for_a_group_that_does_not_exist_yet(store: LogStore) -> None:
    async def first() -> str:
        follower = store.follow("/aws/lambda/Later", stream="s", interval=0.05)
        await asyncio.sleep(0)
        asyncio.get_running_loop().call_later(0.1, store.append, "/aws/lambda/Later", "s", [(1, "hi")])
        event = await anext(follower)
        await follower.aclose()
        return event.message

    assert asyncio.run(asyncio.wait_for(first(), 5)) == "hi"
