"""Evidence files: checked by their content, stored under random names in the instance folder, never in static/."""

from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from core.errors import RuleError

#: At most this many files on one item.
MAX_FILES = 5
#: Each file at most 10 MB.
MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: The start of each kind of file we accept: its "magic bytes".
_SIGNATURES = [
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", DOC),  # OLE2 compound file: Word 97-2003
]
_ZIP = b"PK\x03\x04"


class UploadError(RuleError, ValueError):
    """A file that cannot be accepted; the message says why in GOV.UK words."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int

    def as_dict(self) -> dict:
        return asdict(self)


def detect_type(content: bytes) -> str | None:
    """The file's type from its content, or None if it is not one we accept."""
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    if content.startswith(_ZIP) and _is_word_document(content):
        return DOCX
    return None


def _is_word_document(content: bytes) -> bool:
    # Any ZIP starts with PK; a Word document is the ZIP that holds word/document.xml.
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def upload_dir() -> Path:
    configured = current_app.config["CHARTERLINE_UPLOAD_DIR"]
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def display_name(filename: str | None) -> str:
    """The name to show staff: the last part of what the browser sent, at most 255 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (name or "file")[:255]


def check_and_store(upload: FileStorage) -> StoredFile:
    """Check one uploaded file and store it under a random name; raises UploadError."""
    name = display_name(upload.filename)
    content = upload.stream.read(MAX_BYTES + 1)
    if not content:
        raise UploadError(f"{name} is empty")
    if len(content) > MAX_BYTES:
        raise UploadError(f"{name} must be smaller than 10MB")
    content_type = detect_type(content)
    if content_type is None:
        raise UploadError(f"{name} must be a PDF, JPEG, PNG or Word document")
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    with open(folder / stored_name, "xb") as handle:
        handle.write(content)
    return StoredFile(stored_name, name, content_type, len(content))


def store_all(uploads: list[FileStorage], already: int = 0) -> tuple[list[StoredFile], list[str]]:
    """Store every acceptable file; returns what was stored and a message for each file refused."""
    chosen = [u for u in uploads if u and u.filename]
    if already + len(chosen) > MAX_FILES:
        return [], [_too_many(MAX_FILES - already)]
    stored, problems = [], []
    for upload in chosen:
        try:
            stored.append(check_and_store(upload))
        except UploadError as exc:
            problems.append(str(exc))
    return stored, problems


def _too_many(left: int) -> str:
    if left <= 0:
        return f"You cannot add more than {MAX_FILES} files"
    if left < MAX_FILES:
        return f"You can only add {left} more file{'' if left == 1 else 's'}"
    return f"Select up to {MAX_FILES} files"


def path_of(stored_name: str) -> Path:
    if not stored_name.isalnum():
        raise FileNotFoundError(stored_name)
    return upload_dir() / stored_name


def delete_stored(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
