"""Load a large ledger from files into the configured store, checked like ``POST /api/ingest``.

Usage::

    python -m shared.bulk_load ledger.jsonl [more files] [--store sqlite|cosmos]
                               [--sqlite-path PATH] [--chunk 10000]

Formats, with the contract's field names (those of ``POST /api/ingest``):

- JSON Lines (``.jsonl``, ``.ndjson``): one record per line with its kind beside the fields,
  ``{"kind": "transaction", "company": "usmf", "id": "INV-1", ...}``; kinds are
  ``company``, ``customer``, ``transaction``, ``settlement`` and ``activity``;
- CSV (``.csv``): one file per kind, named after it (``customers.csv``, or
  ``transactions-2024.csv``: the name starts with the kind, singular or plural); a header
  row of field names; an empty cell is an absent field. Amounts stay decimal text.

Records are read in file order and written in chunks of ``--chunk`` records, each validated
whole by ``shared.ingest.parse_batch`` against the chunk and the store. Parents must come
before the records that name them (companies, customers, transactions, then settlements and
activities), in the same chunk or an earlier one. A record with a bad field is rejected,
with its file and line, and the rest of its chunk is validated again without it, so that
records depending on it are rejected too; nothing else is lost. Writes are idempotent by id:
loading the same file twice writes nothing the second time.

Progress goes to standard error as plain text; the summary of what was written and what
was rejected goes to standard output.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from shared.ingest import parse_batch
from shared.problems import FieldError, InvalidLedger
from shared.settings import STORES, Settings
from shared.stores import open_store
from shared.stores.base import LedgerStore

ARRAYS = {
    "company": "companies",
    "customer": "customers",
    "transaction": "transactions",
    "settlement": "settlements",
    "activity": "activities",
}
DEFAULT_CHUNK = 10_000
_FIELD_OF_RECORD = re.compile(r"^(\w+)\[(\d+)\]")


class BulkLoadError(ValueError):
    """A file that cannot be read as records at all; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One record read from a file: its array, its fields, and where it came from."""

    array: str
    fields: dict[str, Any]
    where: str
    size: int


@dataclass(frozen=True, slots=True)
class Rejection:
    where: str
    field: str
    message: str


@dataclass(slots=True)
class LoadSummary:
    """Records read, written, unchanged and rejected, per array."""

    read: int = 0
    written: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        rate = self.read / self.seconds if self.seconds else 0.0
        lines = [f"Read {self.read:,} records in {self.seconds:.1f} s ({rate:,.0f} per second)."]
        for array in ARRAYS.values():
            written, unchanged = self.written.get(array, 0), self.unchanged.get(array, 0)
            if written or unchanged:
                lines.append(f"  {array}: {written:,} written, {unchanged:,} unchanged")
        lines.append(f"Rejected {len(self.rejected):,} records.")
        lines.extend(f"  {r.where}: {r.field}: {r.message}" for r in self.rejected[:50])
        if len(self.rejected) > 50:
            lines.append(f"  … and {len(self.rejected) - 50:,} more.")
        return lines


# Reading files.


def read_records(path: Path) -> Iterator[SourceRecord]:
    """The records of a JSON Lines or CSV file, in file order."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_records(path)
    elif suffix == ".csv":
        yield from _csv_records(path)
    else:
        raise BulkLoadError(f"{path}: use a .jsonl, .ndjson or .csv file.")


def _jsonl_records(path: Path) -> Iterator[SourceRecord]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                fields = json.loads(line)
            except json.JSONDecodeError as error:
                raise BulkLoadError(f"{where}: not a JSON object ({error.msg}).") from None
            if not isinstance(fields, dict):
                raise BulkLoadError(f"{where}: each line must be one JSON object.")
            kind = fields.pop("kind", None)
            if kind not in ARRAYS:
                raise BulkLoadError(
                    f'{where}: "kind" must be one of {", ".join(ARRAYS)}; got {kind!r}.'
                )
            yield SourceRecord(ARRAYS[kind], fields, where, len(line))


def _csv_records(path: Path) -> Iterator[SourceRecord]:
    array = _array_of_file(path)
    with path.open(encoding="utf-8", newline="") as rows:
        reader = csv.DictReader(rows)
        for row in reader:
            fields = {name: value for name, value in row.items() if name and value}
            # The line's length, near enough for the progress line: values and separators.
            size = sum(len(value) for value in row.values() if value) + len(row)
            yield SourceRecord(array, fields, f"{path.name}:{reader.line_num}", size)


def _array_of_file(path: Path) -> str:
    name = path.stem.lower()
    for kind, array in sorted(ARRAYS.items(), key=lambda pair: -len(pair[1])):
        if name.startswith(array) or name.startswith(kind):
            return array
    raise BulkLoadError(
        f"{path}: a CSV file's name must start with its kind, such as customers.csv."
    )


# Loading.


def bulk_load(
    store: LedgerStore,
    paths: Sequence[Path],
    *,
    chunk_size: int = DEFAULT_CHUNK,
    progress: IO[str] | None = None,
) -> LoadSummary:
    """Validate and write every record of ``paths`` in chunks; see the module docstring."""
    summary = LoadSummary()
    started = time.perf_counter()
    meter = _Progress(progress, sum(path.stat().st_size for path in paths))
    chunk: list[SourceRecord] = []
    for path in paths:
        for record in read_records(path):
            chunk.append(record)
            if len(chunk) >= chunk_size:
                _load_chunk(store, chunk, summary)
                meter.advance(summary.read, sum(r.size for r in chunk))
                chunk = []
    if chunk:
        _load_chunk(store, chunk, summary)
        meter.advance(summary.read, sum(r.size for r in chunk))
    summary.seconds = time.perf_counter() - started
    meter.close(summary.read)
    return summary


def _load_chunk(store: LedgerStore, chunk: list[SourceRecord], summary: LoadSummary) -> None:
    """Validate a chunk, dropping rejected records until what is left is valid; write it."""
    summary.read += len(chunk)
    remaining = chunk
    while remaining:
        positions: dict[str, list[SourceRecord]] = {array: [] for array in ARRAYS.values()}
        for record in remaining:
            positions[record.array].append(record)
        document = {array: [r.fields for r in records] for array, records in positions.items()}
        try:
            batch = parse_batch(document, store)
        except InvalidLedger as problem:
            bad = _rejected_records(problem.errors, positions)
            if bad is None:
                # An error that names no record: the chunk as a whole cannot be loaded.
                for record in remaining:
                    summary.rejected.append(Rejection(record.where, "", problem.detail))
                return
            for record, error in bad:
                summary.rejected.append(Rejection(record.where, error.field, error.message))
            rejected_ids = {id(record) for record, _ in bad}
            remaining = [r for r in remaining if id(r) not in rejected_ids]
            continue
        written = store.write_batch(batch)
        for array, count in written.written.items():
            summary.written[array] = summary.written.get(array, 0) + count
        for array, count in written.unchanged.items():
            summary.unchanged[array] = summary.unchanged.get(array, 0) + count
        return


def _rejected_records(
    errors: Sequence[FieldError], positions: dict[str, list[SourceRecord]]
) -> list[tuple[SourceRecord, FieldError]] | None:
    """The records the errors name (``transactions[2].amount``), or ``None`` if one names none."""
    found: dict[int, tuple[SourceRecord, FieldError]] = {}
    for error in errors:
        match = _FIELD_OF_RECORD.match(error.field)
        if match is None or match[1] not in positions:
            return None
        records = positions[match[1]]
        index = int(match[2])
        if index >= len(records):
            return None
        record = records[index]
        found.setdefault(id(record), (record, error))
    return list(found.values())


class _Progress:
    """A plain-text progress line on a stream: redrawn in place on a terminal, else every 10%."""

    def __init__(self, stream: IO[str] | None, total_bytes: int) -> None:
        self._stream = stream
        self._total = max(total_bytes, 1)
        self._done_bytes = 0
        self._started = time.perf_counter()
        self._last_tenth = -1
        self._live = stream is not None and stream.isatty()

    def advance(self, records: int, size: int) -> None:
        self._done_bytes += size
        self._draw(records, self._done_bytes)

    def close(self, records: int) -> None:
        self._draw(records, self._total)
        if self._stream is not None and self._live:
            self._stream.write("\n")
            self._stream.flush()

    def _draw(self, records: int, done_bytes: int) -> None:
        if self._stream is None:
            return
        share = min(done_bytes / self._total, 1.0)
        elapsed = time.perf_counter() - self._started
        rate = records / elapsed if elapsed else 0.0
        bar = "#" * int(share * 30)
        line = f"[{bar:<30}] {share:4.0%} {records:,} records, {rate:,.0f}/s"
        if self._live:
            self._stream.write("\r" + line)
        elif int(share * 10) != self._last_tenth:
            self._last_tenth = int(share * 10)
            self._stream.write(line + "\n")
        self._stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shared.bulk_load",
        description="Validate ledger records from JSON Lines or CSV files and write them.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help=".jsonl, .ndjson or .csv files")
    parser.add_argument("--store", choices=STORES, help="default: COLLECTIONS_STORE")
    parser.add_argument("--sqlite-path", type=Path, help="default: COLLECTIONS_SQLITE_PATH")
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="records per write")
    arguments = parser.parse_args(argv)

    settings = Settings.from_environ()
    if arguments.store:
        settings = dataclasses.replace(settings, store=arguments.store)
    if arguments.sqlite_path:
        settings = dataclasses.replace(settings, sqlite_path=arguments.sqlite_path)
    store = open_store(settings)
    try:
        summary = bulk_load(store, arguments.paths, chunk_size=arguments.chunk, progress=sys.stderr)
    except BulkLoadError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    finally:
        store.close()
    sys.stdout.write("\n".join(summary.lines()) + "\n")
    return 1 if summary.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
