"""A backup .zip read without trusting it: the manifest, every member's name and size, the data
dump and every file are checked before anything is written. Members are read as streams."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import ijson
from django.conf import settings

from greenlist.ops.backup import FORMAT, STAGING_PREFIX, BackupError, tracked_models

MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA = "media/"
_MANIFEST_LIMIT = 64 * 1024 * 1024
_CHUNK = 1024 * 1024


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def unsafe_name(name: str) -> str | None:
    """Why a file name from a backup may not be written under MEDIA_ROOT (None: it may)."""
    if not name or "\x00" in name:
        return "文件名为空或含有空字符"
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "文件名是绝对路径或含有反斜杠"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "文件名含有“..”等路径跳转"
    return None


class _CheckedReader:
    """A member's stream that hashes and counts what is read and stops past the size limit (a zip
    header can understate a member's size)."""

    def __init__(self, stream: IO[bytes], name: str, limit: int) -> None:
        self.stream, self.name, self.limit = stream, name, limit
        self.size = 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size if size is not None and size >= 0 else _CHUNK)
        self.size += len(chunk)
        if self.size > self.limit:
            raise BackupError(f"备份成员 {self.name} 超过大小上限 {_mib(self.limit)}，未做任何修改。")
        self.digest.update(chunk)
        return chunk


class BackupArchive:
    """Opening one checks the manifest and the member list; ``check_data`` and ``stage_files``
    check the contents. Raises BackupError, having written nothing."""

    def __init__(self, source: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(source)
        except (OSError, zipfile.BadZipFile) as exc:
            raise BackupError(f"{source} 不是 greenlist 备份文件：{exc}") from exc
        try:
            self.manifest = self._read_manifest(source)
            self._check_members()
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> BackupArchive:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.zip.close()

    def _read_manifest(self, source: Path) -> dict[str, Any]:
        try:
            entry = self.zip.getinfo(MANIFEST)
            if entry.file_size > _MANIFEST_LIMIT:
                raise BackupError(f"备份清单过大（{_mib(entry.file_size)}），不是 greenlist 备份文件。")
            info = json.loads(self.zip.read(entry))
        except (OSError, zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BackupError(f"{source} 不是 greenlist 备份文件：{exc}") from exc
        if not isinstance(info, dict) or info.get("format") != FORMAT:
            found = info.get("format") if isinstance(info, dict) else None
            raise BackupError(f"备份格式“{found}”不受支持（需要 {FORMAT}）。")
        tables, files = info.get("tables"), info.get("files")
        if not isinstance(tables, dict) or not all(
            isinstance(t, dict) and isinstance(t.get("rows"), int) and isinstance(t.get("sha256"), str)
            for t in tables.values()
        ):
            raise BackupError("备份清单的数据表部分缺失或格式有误，无法校验，未做任何修改。")
        if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()
        ):
            raise BackupError("备份清单的文件部分缺失或格式有误，无法校验，未做任何修改。")
        expected = {m._meta.label for m in tracked_models()}
        if set(tables) != expected:
            differ = sorted(set(tables) ^ expected)
            raise BackupError(
                f"备份中的数据表与本系统不一致（{'、'.join(differ[:5])}），请用相同版本的 greenlist 恢复；未做任何修改。"
            )
        return info

    def _check_members(self) -> None:
        """Only the members the manifest lists, each once, with safe names and within the limits."""
        entries = self.zip.infolist()
        for name, times in Counter(e.filename for e in entries).items():
            if times > 1:
                raise BackupError(f"备份中的成员 {name} 出现了 {times} 次，备份文件不可信；未做任何修改。")
        for name in self.manifest["files"]:
            if problem := unsafe_name(name):
                raise BackupError(f"备份清单中的文件 {name!r} 被拒绝：{problem}；未做任何修改。")
        allowed = {MANIFEST, DATA} | {MEDIA + name for name in self.manifest["files"]}
        for entry in entries:
            if entry.filename not in allowed:
                raise BackupError(
                    f"备份中的成员 {entry.filename!r} 不在备份清单中（或路径不安全），已拒绝；未做任何修改。"
                )
        missing = sorted(allowed - {e.filename for e in entries})
        if missing:
            raise BackupError(f"备份缺少成员：{'、'.join(missing[:5])}；未做任何修改。")
        member_limit = settings.GREENLIST_RESTORE_MAX_MEMBER_BYTES
        total_limit = settings.GREENLIST_RESTORE_MAX_TOTAL_BYTES
        for entry in entries:
            if entry.file_size > member_limit:
                raise BackupError(
                    f"备份成员 {entry.filename} 解压后 {_mib(entry.file_size)}，超过单个成员上限 "
                    f"{_mib(member_limit)}（GREENLIST_RESTORE_MAX_MEMBER_BYTES）；未做任何修改。"
                )
        total = sum(e.file_size for e in entries)
        if total > total_limit:
            raise BackupError(
                f"备份解压后共 {_mib(total)}，超过上限 {_mib(total_limit)}"
                "（GREENLIST_RESTORE_MAX_TOTAL_BYTES）；未做任何修改。"
            )

    def _open(self, name: str) -> _CheckedReader:
        return _CheckedReader(self.zip.open(name), name, settings.GREENLIST_RESTORE_MAX_MEMBER_BYTES)

    def records(self) -> Iterator[dict[str, Any]]:
        """The dumped rows one at a time, never the whole dump in memory."""
        reader = self._open(DATA)
        try:
            yield from ijson.items(reader, "item", use_float=True)
        finally:
            reader.stream.close()

    def check_data(self) -> None:
        """Parse the whole dump and compare its digest and rows per table with the manifest."""
        labels = {m._meta.label_lower: m._meta.label for m in tracked_models()}
        counts: Counter[str] = Counter()
        reader = self._open(DATA)
        try:
            for record in ijson.items(reader, "item", use_float=True):
                label = labels.get(record.get("model", "")) if isinstance(record, dict) else None
                if label is None or not isinstance(record.get("fields"), dict):
                    raise BackupError(
                        f"备份数据中有无法识别的记录（第 {sum(counts.values()) + 1} 条）；未做任何修改。"
                    )
                counts[label] += 1
        except ijson.JSONError as exc:
            raise BackupError(f"备份数据 {DATA} 不是有效的 JSON（{exc}）；未做任何修改。") from exc
        finally:
            reader.stream.close()
        expected = self.manifest.get("data_sha256")
        if expected is not None and reader.digest.hexdigest() != expected:
            raise BackupError(f"备份数据 {DATA} 与清单校验值不符，文件已被改动或损坏；未做任何修改。")
        wrong = [label for label, table in self.manifest["tables"].items() if counts[label] != table["rows"]]
        if wrong:
            raise BackupError(f"备份数据的行数与清单不符：{'、'.join(wrong[:5])}；未做任何修改。")

    def stage_files(self, media: Path) -> Path:
        """Extract every uploaded file into a new folder inside ``media`` (same file system, so the
        files can be moved into place after the commit), each checked against the manifest."""
        created = not media.exists()
        media.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media))
        try:
            for name, expected in self.manifest["files"].items():
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                reader = self._open(MEDIA + name)
                with reader.stream, target.open("wb") as out:
                    while chunk := reader.read(_CHUNK):
                        out.write(chunk)
                if reader.digest.hexdigest() != expected:
                    raise BackupError(f"文件 {MEDIA + name} 与清单校验值不符；未做任何修改。")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if created:
                media.rmdir()
            raise
        return staging
