"""The one error the template layer raises: a problem located by file, line and resource."""

from __future__ import annotations

import dataclasses

__all__ = ["TemplateError", "TemplateErrors"]


@dataclasses.dataclass(eq=False)
class TemplateError(Exception):
    """A template problem; `str()` reads `template.yaml:57: resource 'Fn': Handler is required`."""

    message: str
    file: str | None = None
    line: int | None = None
    resource: str | None = None
    kind: str = "resource"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = "".join(
            (
                f"{self.file}:" if self.file else "",
                f"{self.line}:" if self.file and self.line else "",
                " " if self.file else "",
                f"{self.kind} '{self.resource}': " if self.resource else "",
            )
        )
        return where + self.message

    def in_resource(self, resource: str) -> TemplateError:
        """This error attributed to `resource`, unless it already names one."""
        return self if self.resource else dataclasses.replace(self, resource=resource)

    def located(self, file: str, lines: dict[str, int]) -> TemplateError:
        """This error with the file and, when known, the line of its resource.

        An error that already names its file (an OpenAPI definition file beside the template) keeps it.
        """
        if self.file is not None:
            return self
        line = self.line if self.line is not None else _line_of(self.resource, lines)
        return dataclasses.replace(self, file=file, line=line)


@dataclasses.dataclass(eq=False)
class TemplateErrors(TemplateError):
    """Several problems found together (every unsupported feature at once), one per line."""

    problems: tuple[TemplateError, ...] = ()

    @classmethod
    def of(cls, problems: list[TemplateError]) -> TemplateErrors:
        """The problems as one error; its `message` is the first one's."""
        return cls(problems[0].message, problems=tuple(problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def in_resource(self, resource: str) -> TemplateError:
        """Each problem already names its resource."""
        return self

    def located(self, file: str, lines: dict[str, int]) -> TemplateError:
        """Each problem located."""
        return dataclasses.replace(self, problems=tuple(p.located(file, lines) for p in self.problems))


def _line_of(resource: str | None, lines: dict[str, int]) -> int | None:
    """The line of `resource`, or of the template resource a generated one came from.

    SAM names what it generates after its source (`FnRole`, `ApiDeployment1a2b3c`), so the longest
    logical id that prefixes the generated one is its origin.
    """
    if resource is None:
        return None
    if resource in lines:
        return lines[resource]
    origins = [name for name in lines if resource.startswith(name)]
    return lines[max(origins, key=len)] if origins else None
