"""Pydantic inputs of the people side: goal posters, kudos and values pulses (they also feed the OpenAPI document)."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from leaderboard.schemas import Key, Line, Money, Strict, Text, Timestamp

ValueName = Annotated[str, Field(min_length=1, max_length=64, description="one of config.toml's [values] list")]


class GoalIn(Strict):
    title: Line = Field(min_length=1, max_length=120, description="what the agent saves for, e.g. a road bike")
    target_amount: Money = Field(description="the amount to save, e.g. \"1200.00\"; more than zero")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code; bonuses in this currency count")
    on_wall: bool | None = Field(default=None, strict=True, description=(
        "show the poster on the goal wall TV slide; omitted: unchanged (new goals: false)"))


class KudosIn(Strict):
    to: Key = Field(description="the person's roster key (people outside sales too)")
    value: ValueName
    message: Text = Field(default="", max_length=280)


class PulseIn(Strict):
    action: Text = Field(min_length=1, max_length=500,
                         description="a sales behaviour, e.g. offer Gold Rewards when the savings balance qualifies")
    values: list[ValueName] = Field(min_length=1, max_length=30, description="values it may touch")
    sites: list[Key] = Field(min_length=1, max_length=100, description="whose agents are asked")
    closes_at: Timestamp


class PulseAnswerIn(Strict):
    score: int = Field(ge=1, le=5, strict=True, description="1 (strongly disagree) to 5 (strongly agree)")
    conflicts: list[ValueName] = Field(default=[], max_length=30, description="values the action conflicts with")
    comment: Text = Field(default="", max_length=1000)
