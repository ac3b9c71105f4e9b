"""The pipeline and the workbook layout as validated data (pydantic models).

The defaults live in ``workbook_templates/*.toml``; once a workbook exists its Config sheet is the
source of truth (see :mod:`xltrack.pipeline.config_sheet`). Everything else in xltrack reads the
pipeline only through these models, so a stage, threshold or label is defined in one place.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Lang = Literal["zh", "en"]
StageKind = Literal["open", "won", "lost", "hold"]
ColumnType = Literal["id", "text", "date", "money", "percent", "int", "stage", "owner", "activity_type", "light"]
SheetKind = Literal["user", "owned"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Stage(_Model):
    key: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    aliases: list[str] = []
    order: int
    kind: StageKind
    probability: float = Field(ge=0, le=1)
    idle_yellow: int | None = Field(default=None, gt=0)
    idle_red: int | None = Field(default=None, gt=0)
    stage_yellow: int | None = Field(default=None, gt=0)
    stage_red: int | None = Field(default=None, gt=0)
    required: list[str] = []
    entry: list[str] = []
    points: float = 0

    def name(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    @model_validator(mode="after")
    def _yellow_before_red(self) -> "Stage":
        for a, b in (("idle_yellow", "idle_red"), ("stage_yellow", "stage_red")):
            y, r = getattr(self, a), getattr(self, b)
            if y is not None and r is not None and y > r:
                raise ValueError(f"{a} ({y}) must not exceed {b} ({r})")
        return self


class Owner(_Model):
    name: str = Field(min_length=1)
    aliases: list[str] = []
    team: str | None = None
    email: str | None = None
    role: str | None = None       # free text, e.g. 组长 / team lead (see xltrack.team.scope.is_lead)
    mobile: str | None = None     # for robot @-mentions by phone number (钉钉, 企业微信)
    user_id: str | None = None    # the chat platform's user id (企业微信 userid, 钉钉 userId, 飞书 open_id)


class ActivityType(_Model):
    key: str = Field(min_length=1)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    aliases: list[str] = []

    def name(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Pipeline(_Model):
    team: str = ""
    currency: str = "CNY"
    date_order: Literal["mdy", "dmy"] = "mdy"
    stages: list[Stage]
    owners: list[Owner] = []
    activity_types: list[ActivityType] = []

    @field_validator("stages")
    @classmethod
    def _stages_ok(cls, v: list[Stage]) -> list[Stage]:
        if not v:
            raise ValueError("at least one stage is required")
        keys = [s.key for s in v]
        if len(set(keys)) != len(keys):
            raise ValueError("stage keys must be unique")
        if not any(s.kind == "open" for s in v):
            raise ValueError("at least one open stage is required")
        return sorted(v, key=lambda s: s.order)

    # -- lookups -----------------------------------------------------------------------------
    def stage(self, key: str) -> Stage:
        for s in self.stages:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def open_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.kind == "open"]


class Column(_Model):
    key: str
    zh: str
    en: str
    type: ColumnType
    width: float = 12
    required: bool = False
    owned: bool = False
    milestone: bool = False
    aliases: list[str] = []
    help_zh: str = ""
    help_en: str = ""

    def label(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def help(self, lang: Lang) -> str:
        return self.help_zh if lang == "zh" else self.help_en


class Sheet(_Model):
    key: str
    zh: str
    en: str
    kind: SheetKind
    aliases: list[str] = []
    columns: list[Column] = []

    def name(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def user_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.owned]

    @property
    def owned_columns(self) -> list[Column]:
        return [c for c in self.columns if c.owned]


class Layout(_Model):
    formats: dict[str, str]
    colors: dict[str, str]
    sheets: list[Sheet]

    def sheet(self, key: str) -> Sheet:
        for s in self.sheets:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def owned_sheets(self) -> list[Sheet]:
        return [s for s in self.sheets if s.kind == "owned"]
