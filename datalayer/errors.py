"""The one error type a bad dataset raises: it names the file, the feature and the field."""

from __future__ import annotations


class DatasetError(Exception):
    """A dataset file cannot be loaded.

    ``feature`` is a human reference such as ``"#12 (id 'seamewe-4')"``; ``field`` is the
    property (or ``"geometry"``) at fault. Both are ``None`` when the whole file is at fault.
    """

    def __init__(
        self, file: str, problem: str, feature: str | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.problem = problem
        self.feature = feature
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.file]
        if self.feature is not None:
            parts.append(f"feature {self.feature}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts) + f": {self.problem}"
