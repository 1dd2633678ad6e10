"""The state of one page server: its settings, session, work folder, uploads and jobs."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request

from bulkcancel.environments import Environment
from bulkcancel.journal.store import default_journal_path
from bulkcancel.send.connect import resolve
from bulkcancel.settings import Settings
from bulkcancel.targets import Target
from bulkcancel.web.jobs import Job, Runner
from bulkcancel.web.security import Session
from bulkcancel.web.uploads import Upload, new_id


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
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.runner = self.runner or Runner(self.settings)
        self.target: Target = resolve(
            self.settings.api, self.settings.env, self.settings.base_url, self.settings.login_url
        )

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
        item = Upload(new_id(), name, Path(), sheet=sheet)
        folder = self.workdir / item.id
        folder.mkdir()
        stem = re.sub(r"[^\w\- ]", "_", Path(name).stem).strip(" ._")[:80] or "sheet"
        item.path = folder / f"{stem}{suffix}"  # the person's own name: history shows it (ours start with _)
        if isinstance(content, Path):
            shutil.copyfile(content, item.path)
        else:
            item.path.write_bytes(content)
        self.uploads[item.id] = item
        return item


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
