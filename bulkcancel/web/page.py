"""The state of one page server: its settings, session, work folder, uploads and jobs."""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request

from bulkcancel.journal.store import default_journal_path
from bulkcancel.send.connect import resolve
from bulkcancel.settings import Settings
from bulkcancel.targets import CredentialSource, Environment, Target
from bulkcancel.web.jobs import Job, Runner
from bulkcancel.web.security import Session
from bulkcancel.web.uploads import Upload, new_id

RETENTION = 7 * 24 * 3600.0  # seconds the page keeps uploads, their checks and results (README says 7 days)


def private_folder(path: Path) -> Path:
    """``path`` as a folder only its owner can enter (0700), made when missing."""
    path.mkdir(parents=True, mode=0o700, exist_ok=True)
    path.chmod(0o700)
    return path


@dataclass
class Page:
    """Everything one ``bulkcancel serve`` keeps; the routes find it on ``request.app.state.page``."""

    settings: Settings
    workdir: Path
    max_upload: int = 20 * 1024 * 1024
    session: Session = field(default_factory=Session)
    uploads: dict[str, Upload] = field(default_factory=dict)
    runner: Runner | None = None

    def __post_init__(self) -> None:
        private_folder(self.workdir)
        self.runner = self.runner or Runner(self.settings)
        self.target: Target = resolve(
            self.settings.api, self.settings.env, self.settings.base_url, self.settings.login_url
        )
        if self.credentials is None and self.target.in_process:
            self.credentials = CredentialSource.DEMO

    opener: Path | None = None  # the private file that opened the browser (it holds the start-up token)
    credentials: CredentialSource | None = None  # where the runs' credentials come from (``serve`` finds out)

    @property
    def root(self) -> str:
        """The random path every URL of the page is under."""
        return self.session.root

    def at(self, path: str) -> str:
        """The URL of ``path`` (``/u/ID``) on this page."""
        return self.session.root + path

    def token_spent(self) -> None:
        """The start-up token was used: the file that held it goes."""
        if self.opener is not None:
            self.opener.unlink(missing_ok=True)
            self.opener = None

    @property
    def jobs(self) -> Runner:
        assert self.runner is not None
        return self.runner

    @property
    def badge(self) -> str:
        """DEMO, TEST or LIVE: what the page shows at the top of every step."""
        if self.target.in_process:
            return "DEMO"
        if self.target.is_production:
            return "LIVE"
        return "TEST" if self.target.name is Environment.TEST else "CUSTOM"

    @property
    def journal(self) -> Path:
        return self.settings.journal or default_journal_path()

    def add_upload(self, name: str, suffix: str, content: bytes | Path, sheet: str | None = None) -> Upload:
        """A new upload in a folder of its own under a random id; ``content`` is the bytes or a file to copy."""
        self.sweep()
        item = Upload(new_id(), name, Path(), sheet=sheet)
        folder = self.workdir / item.id
        folder.mkdir(mode=0o700)
        stem = re.sub(r"[^\w\- ]", "_", Path(name).stem).strip(" ._")[:80] or "sheet"
        item.path = folder / f"{stem}{suffix}"  # the person's own name: history shows it (ours start with _)
        with os.fdopen(os.open(item.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            if isinstance(content, Path):
                with content.open("rb") as source:
                    shutil.copyfileobj(source, handle)
            else:
                handle.write(content)
        self.uploads[item.id] = item
        return item

    def sweep(self, now: float | None = None) -> list[str]:
        """Remove what is older than ``RETENTION`` (by its last change): upload folders with
        their checks and results, rebuilt history files; never a job's that is not over."""
        limit = (time.time() if now is None else now) - RETENTION
        busy = {job.upload.id for job in self.jobs.listed() if job.state.open}
        removed = []
        for entry in sorted(self.workdir.iterdir()):
            if entry.name in busy or entry.is_symlink():
                continue
            try:
                newest = max([entry.stat().st_mtime] + [p.stat().st_mtime for p in entry.rglob("*")])
            except OSError:
                continue
            if newest >= limit:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            self.uploads.pop(entry.name, None)
            removed.append(entry.name)
        return removed


def page_of(request: Request) -> Page:
    """The page a request belongs to (``build_app`` puts it on the application's state)."""
    page: Page = request.app.state.page
    return page


def upload_of(request: Request) -> Upload | None:
    """The upload named in the URL, if this page has it."""
    return page_of(request).uploads.get(request.path_params["upload"])


def job_of(request: Request) -> Job | None:
    """The job named in the URL, if this page started it."""
    return page_of(request).jobs.get(request.path_params["job"])
