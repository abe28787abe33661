"""Read partner files as a stream of rows: CSV (delimiter and encoding sniffed), JSON arrays, JSON Lines.

Every reader is a generator over the open file, so a file of a million rows is read in bounded
memory. Each row carries the line it starts on, for the import report. A row the reader itself
cannot make sense of (a CSV line with more cells than the header, a JSON line that does not parse)
comes out with a `problem` instead of being dropped; a file that cannot be read at all raises
`UnreadableFile` before the first row.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

from charset_normalizer import from_bytes

from importers.errors import UnreadableFile

Format = Literal["csv", "json", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "json", "jsonl")
DELIMITERS = (";", ",", "\t", "|")
_CHUNK = 1 << 20
_MAX_ELEMENT = 64 * _CHUNK  # an array element that does not parse within this many characters is an error
_EXTENSIONS: dict[str, Format] = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

csv.field_size_limit(16 * _CHUNK)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record as the file holds it: raw cells by column name (CSV; "" when empty) or a JSON object."""

    line: int
    data: dict[str, Any]
    problem: str | None = None


class _CountingReader(io.RawIOBase):
    """A raw binary stream that counts the bytes read through it, for progress."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass(frozen=True, slots=True)
class Encoding:
    """The encoding a file is read with, and why (the import summary shows both)."""

    name: str
    reason: str


# Bytes Windows-1252 leaves undefined: a cp1252 file holding one stays cp1252, the row holding it is rejected.
_CP1252_UNDEFINED = bytes((0x81, 0x8D, 0x8F, 0x90, 0x9D))
_SINGLE_BYTE = ["cp1252", "iso8859_15", "cp850", "mac_roman"]
_WIDE = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be"]
_SAMPLE = 512 * 1024
# What a row may not hold anywhere, whatever its columns: NUL (binary data) and bytes that did not
# decode (kept by the reader as lone surrogates, errors="surrogateescape").
_BAD_IN_ROW = re.compile("[\x00\udc80-\udcff]")
_UNDECODED = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def detect_encoding(path: Path) -> Encoding:
    """The encoding of a partner file, decided once for the whole file, and why.

    A byte-order mark decides; a file whose NUL bytes make it UTF-16 or UTF-32 without a mark is
    recognised by `charset-normalizer`; a file whose non-ASCII bytes are mostly valid UTF-8 is UTF-8
    even with a few invalid bytes (the rows holding them are rejected, row by row); any other file is
    a single-byte code page chosen by `charset-normalizer` among Windows-1252, ISO 8859-15, DOS 850 and
    Mac Roman (Windows-1252 when it cannot tell; Latin-1 is read as Windows-1252, its superset for
    text). Raises `UnreadableFile` for a binary file (a spreadsheet, an archive, NUL bytes in text).
    """
    with path.open("rb") as handle:
        head = handle.read(65536)
    if head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8-sig", "a UTF-8 byte-order mark")
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return Encoding("utf-32", "a UTF-32 byte-order mark")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Encoding("utf-16", "a UTF-16 byte-order mark")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            f"{path.name} is a spreadsheet or an archive, not a text file: export it as CSV (UTF-8 or Latin-1)."
        )
    if b"\x00" in head:
        wide = from_bytes(head[: len(head) - len(head) % 4], cp_isolation=_WIDE).best()
        if wide is not None and head.count(b"\x00") * 4 >= len(head):
            name = wide.encoding.replace("_", "-")
            return Encoding(name, f"no byte-order mark, but its NUL bytes and text fit {name} (charset-normalizer)")
        raise UnreadableFile(f"{path.name} holds binary data (NUL bytes): it is not a CSV, JSON or JSON Lines file.")
    valid, invalid, sample = _utf8_scan(path)
    if invalid == 0:
        return Encoding("utf-8", "the whole file is valid UTF-8" if valid else "the file is plain ASCII")
    if valid > invalid:
        return Encoding(
            "utf-8",
            f"{valid:,} non-ASCII characters are valid UTF-8 and {invalid:,} "
            f"{'bytes are' if invalid > 1 else 'byte is'} not (the rows holding them are rejected)",
        )
    return _single_byte(sample)


def _utf8_scan(path: Path) -> tuple[int, int, bytes]:
    """(valid non-ASCII UTF-8 characters, invalid bytes, a sample of the lines with non-ASCII bytes)."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    valid = invalid = 0
    sample = bytearray()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            text = decoder.decode(chunk)
            if text.isascii():
                continue
            invalid += len(_UNDECODED.findall(text))
            valid += len(_NON_ASCII.findall(text))
            if len(sample) < _SAMPLE:
                sample += b"\n".join(line for line in chunk.split(b"\n") if not line.isascii())
        text = decoder.decode(b"", final=True)
        invalid += len(_UNDECODED.findall(text))
    return valid, invalid, bytes(sample[:_SAMPLE])


def _single_byte(sample: bytes) -> Encoding:
    cleaned = sample.translate(None, _CP1252_UNDEFINED)
    best = from_bytes(cleaned, cp_isolation=_SINGLE_BYTE).best() if cleaned else None
    if best is None or best.encoding in ("cp1252", "latin_1", "iso8859_1"):
        return Encoding("cp1252", "not UTF-8; its accented characters read as Windows-1252 (charset-normalizer)")
    name = best.encoding.replace("_", "-")
    return Encoding(name, f"not UTF-8; its accented characters read best as {name} (charset-normalizer)")


def _undecodable_share(path: Path, encoding: str) -> tuple[int, int]:
    """(characters decoded, bytes that do not decode) of the whole file in `encoding`."""
    decoder = codecs.getincrementaldecoder(encoding)("surrogateescape")
    decoded = bad = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            text = decoder.decode(chunk)
            decoded += len(text)
            bad += len(_UNDECODED.findall(text))
        bad += len(_UNDECODED.findall(decoder.decode(b"", final=True)))
    return decoded, bad


def detect_format(path: Path, encoding: str) -> Format:
    """From the extension; for `.json` and unknown extensions, from the first character."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension is not None:
        return by_extension
    with path.open(encoding=encoding, errors="replace") as handle:
        start = handle.read(4096).lstrip("\ufeff \t\r\n")
        handle.seek(0)
        first_line = next((line for line in handle if line.strip()), "")
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        try:
            json.loads(first_line)
        except json.JSONDecodeError:
            raise UnreadableFile(
                f"{path.name}: a JSON file must hold one array of objects, [ {{...}}, {{...}} ], "
                "or one object per line (JSON Lines)."
            ) from None
        return "jsonl"
    if path.suffix.lower() == ".json":
        raise UnreadableFile(f"{path.name} is not JSON: it should start with '[' (an array) or '{{' (JSON Lines).")
    return "csv"


def detect_delimiter(header_line: str) -> str:
    """The candidate (`;`, `,`, tab, `|`) that occurs most often outside quotes in the header line."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class RowStream:
    """An open partner file: iterate it for `RawRow`s; `bytes_read` / `bytes_total` give progress."""

    path: Path
    format: Format
    encoding: str
    encoding_reason: str = ""
    delimiter: str | None = None
    columns: list[str] = field(default_factory=list)
    bytes_total: int = 0
    _counter: _CountingReader | None = None
    _text: io.TextIOWrapper | None = None

    @property
    def bytes_read(self) -> int:
        return self._counter.count if self._counter is not None else 0

    def close(self) -> None:
        if self._text is not None:
            self._text.close()

    def __enter__(self) -> RowStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[RawRow]:
        assert self._text is not None, "open the stream with open_rows()"
        if self.format == "csv":
            return self._csv_rows(self._text)
        if self.format == "jsonl":
            return _jsonl_rows(self._text, self.encoding)
        return _json_array_rows(self._text, self.encoding)

    def _csv_rows(self, text: io.TextIOWrapper) -> Iterator[RawRow]:
        # the header line was read by open_rows: this reader starts on line 2
        reader = csv.reader(text, delimiter=self.delimiter or ",", quotechar='"', strict=False)
        width = len(self.columns)
        previous = 0
        while True:
            line = previous + 2
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                previous = reader.line_num
                yield RawRow(line, {}, f"not a CSV line: {error}")
                continue
            previous = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            problem = None
            if len(cells) > width:
                problem = (
                    f"has {len(cells)} cells where the header has {width} "
                    f"(an unquoted {_delimiter_name(self.delimiter)} inside a value?)"
                )
            elif len(cells) < width:
                problem = (
                    f"has {len(cells)} cell{'s' if len(cells) > 1 else ''} where the header has {width} "
                    "(a line break inside an unquoted value, or cells missing?)"
                )
                cells = cells + [""] * (width - len(cells))
            if problem is None and _BAD_IN_ROW.search("".join(cells)):
                problem = _bad_cell(self.columns, cells, self.encoding)
            # cells stay raw text ("" when empty): the mapping strips and reads only the columns it uses
            yield RawRow(line, dict(zip(self.columns, cells, strict=False)), problem)


def _bad_cell(columns: list[str], cells: list[str], encoding: str) -> str:
    """Why a row holding NUL or undecodable bytes is rejected, naming the first column that holds one."""
    for name, cell in zip(columns, cells, strict=False):
        found = _BAD_IN_ROW.search(cell)
        if found is not None:
            return _bad_text(found.group(), f"column {name!r}", encoding)
    return _bad_text("\x00", "the row", encoding)


def _bad_text(char: str, where: str, encoding: str) -> str:
    if char == "\x00":
        return f"holds binary data (a NUL byte) in {where}: the row was not imported"
    return (
        f"holds the byte 0x{ord(char) - 0xDC00:02X} in {where}, which is not valid {encoding} (the file's encoding): "
        "the row was not imported; correct that character in the partner's file"
    )


def _delimiter_name(delimiter: str | None) -> str:
    return {"\t": "tab", None: "','"}.get(delimiter, f"'{delimiter}'")


def _columns(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, raw in enumerate(header, start=1):
        name = raw.strip().strip("\ufeff").strip() or f"column_{index}"
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name}_{n}", n + 1
        names.append(unique)
    return names


def _jsonl_rows(text: io.TextIOWrapper, encoding: str) -> Iterator[RawRow]:
    for number, line in enumerate(text, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        bad = _BAD_IN_ROW.search(stripped)
        if bad is not None:
            yield RawRow(number, {}, _bad_text(bad.group(), "the line", encoding))
            continue
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as error:
            yield RawRow(number, {}, f"not valid JSON: {error.msg} (column {error.colno})")
            continue
        if not isinstance(value, dict):
            yield RawRow(number, {}, f"expected a JSON object, got {_json_kind(value)}")
            continue
        yield RawRow(number, value)


def _json_kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


def _json_array_rows(text: io.TextIOWrapper, encoding: str) -> Iterator[RawRow]:
    """Stream the elements of a top-level JSON array without loading the whole document."""
    decoder = json.JSONDecoder(strict=False)  # a raw control character rejects its element, not the rest
    buffer = ""
    pos = 0
    line = 1
    eof = False
    started = False

    def fill() -> bool:
        nonlocal buffer, pos, eof
        if eof:
            return False
        chunk = text.read(_CHUNK)
        if not chunk:
            eof = True
            return False
        buffer = buffer[pos:] + chunk
        pos = 0
        return True

    def skip_space() -> str | None:
        nonlocal pos, line
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n\ufeff":
                if buffer[pos] == "\n":
                    line += 1
                pos += 1
            if pos < len(buffer):
                return buffer[pos]
            if not fill():
                return None

    while True:
        char = skip_space()
        if not started:
            if char != "[":
                raise UnreadableFile("a JSON file must hold one array of objects, [ {...}, {...} ]")
            started = True
            pos += 1
            char = skip_space()
            if char == "]":
                return
        if char is None:
            yield RawRow(line, {}, "the file ends inside the JSON array (truncated?); rows after this were not read")
            return
        while True:
            try:
                value, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as error:
                if len(buffer) - pos < _MAX_ELEMENT and fill():
                    continue
                yield RawRow(line, {}, f"not valid JSON ({error.msg}); rows after this were not read")
                return
            # a number or literal cut by the chunk boundary decodes too early: make sure it ended
            if end == len(buffer) and fill():
                continue
            break
        start_line = line
        line += buffer.count("\n", pos, end)
        bad = _BAD_IN_ROW.search(buffer, pos, end)
        pos = end
        if bad is not None:
            yield RawRow(start_line, {}, _bad_text(bad.group(), "the element", encoding))
        elif isinstance(value, dict):
            yield RawRow(start_line, value)
        else:
            yield RawRow(start_line, {}, f"expected a JSON object, got {_json_kind(value)}")
        char = skip_space()
        if char == ",":
            pos += 1
        elif char == "]":
            return
        else:
            yield RawRow(line, {}, "expected ',' or ']' after an element; rows after this were not read")
            return


def open_rows(
    path: Path, *, format: Format | None = None, encoding: str | None = None, delimiter: str | None = None
) -> RowStream:
    """Open `path` for streaming rows, sniffing what is not given.

    Raises `UnreadableFile` with one sentence when the file is missing, empty, binary, not decodable
    with the given encoding, or has no header line.
    """
    if not path.exists():
        raise UnreadableFile(f"{path} does not exist.")
    if not path.is_file():
        raise UnreadableFile(f"{path} is not a file.")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"{path.name} is empty.")
    if encoding is None or encoding == "auto":
        detected = detect_encoding(path)
        encoding, reason = detected.name, detected.reason
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UnreadableFile(f"unknown encoding {encoding!r}; use utf-8, cp1252 or latin-1.") from None
        decoded, bad = _undecodable_share(path, encoding)
        if bad * 2 > decoded or (bad and bad >= _utf8_scan(path)[0] and codecs.lookup(encoding).name == "utf-8"):
            raise UnreadableFile(f"{path.name} is not valid {encoding}; leave the encoding out to have it detected.")
        reason = "given with --encoding (or the mapping's file.encoding)" + (
            f"; {bad:,} bytes do not decode (the rows holding them are rejected)" if bad else ""
        )
    fmt = format or detect_format(path, encoding)
    counter = _CountingReader(path.open("rb"))
    text = io.TextIOWrapper(
        io.BufferedReader(counter, _CHUNK),
        encoding=encoding,
        errors="surrogateescape",  # undecodable bytes reach the row that holds them, which is then rejected
        newline="" if fmt == "csv" else None,
    )
    stream = RowStream(path, fmt, encoding, reason, bytes_total=size, _counter=counter, _text=text)
    if fmt == "csv":
        _read_header(stream, text, delimiter)
    return stream


def _read_header(stream: RowStream, text: io.TextIOWrapper, delimiter: str | None) -> None:
    first = text.readline()
    if not first.strip():
        text.close()
        raise UnreadableFile(f"{stream.path.name} has no header line (its first line is empty).")
    stream.delimiter = delimiter or detect_delimiter(first)
    header = next(csv.reader([first], delimiter=stream.delimiter, quotechar='"'), [])
    stream.columns = _columns(header)
