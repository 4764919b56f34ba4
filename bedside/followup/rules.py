"""Check-in answers and the plan's triage rules. Pure: no database, no Django models.

The rules give a floor ("calf pain → at least urgent"); services combine it with the screening
engine's verdict on the text and keep the higher of the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

LEVEL = {"routine": 0, "urgent": 1, "emergency": 2}
NOTES_MAX = 2000


@dataclass(frozen=True)
class Answers:
    pain: int
    fever: bool
    temperature_c: Decimal | None
    wound: bool
    calf: bool
    breathing: bool
    notes: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "pain": self.pain, "fever": self.fever,
            "temperature_c": str(self.temperature_c) if self.temperature_c is not None else None,
            "wound": self.wound, "calf": self.calf, "breathing": self.breathing, "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Answers:
        temperature = raw.get("temperature_c")
        return cls(
            pain=int(str(raw["pain"])), fever=bool(raw["fever"]),
            temperature_c=Decimal(str(temperature)) if temperature is not None else None,
            wound=bool(raw["wound"]), calf=bool(raw["calf"]), breathing=bool(raw["breathing"]),
            notes=str(raw.get("notes") or ""),
        )


@dataclass(frozen=True)
class RuleSpec:
    question: str
    threshold: Decimal | None
    urgency: str


def rule_applies(rule: RuleSpec, answers: Answers) -> bool:
    """Return whether ANSWERS trigger RULE.

    Fever: a measured temperature decides when there is one (at or above the threshold); a "yes"
    without a measurement counts, because the patient may have no thermometer.
    """
    if rule.question == "pain":
        return answers.pain >= (rule.threshold if rule.threshold is not None else Decimal(0))
    if rule.question == "fever":
        if answers.temperature_c is not None and rule.threshold is not None:
            return answers.temperature_c >= rule.threshold
        return answers.fever
    if rule.question in {"wound", "calf", "breathing"}:
        return bool(getattr(answers, rule.question))
    return False


def rules_urgency(rules: Iterable[RuleSpec], answers: Answers) -> tuple[str, list[str]]:
    """Return the highest urgency the rules give ANSWERS ("routine" if none) and which questions fired."""
    urgency, fired = "routine", []
    for rule in rules:
        if rule_applies(rule, answers):
            fired.append(rule.question)
            if LEVEL[rule.urgency] > LEVEL[urgency]:
                urgency = rule.urgency
    return urgency, fired


def higher(a: str, b: str) -> str:
    return a if LEVEL.get(a, 0) >= LEVEL.get(b, 0) else b


def answers_text(*, day: int, answers: Answers) -> str:
    """Return the answers as the patient's message in the thread (part of the record).

    Negative answers are written as "No fever." sentences, which the screening engine reads as
    negated; positive ones name the symptom, so the engine sees what the patient reported.
    """
    lines = [f"My answers to the day {day} check-in after surgery:", f"Pain score: {answers.pain} out of 10."]
    measured = f" Temperature {answers.temperature_c} °C." if answers.temperature_c is not None else ""
    if answers.fever:
        lines.append(f"Fever: yes.{measured or ' Temperature not measured.'}")
    else:
        lines.append(f"No fever.{measured}")
    lines.append("Wound redness or discharge: yes." if answers.wound else "No wound redness or discharge.")
    lines.append("Calf pain or swelling: yes." if answers.calf else "No calf pain or swelling.")
    lines.append("Shortness of breath or chest pain: yes." if answers.breathing
                 else "No shortness of breath or chest pain.")
    if answers.notes:
        lines.append(f"Notes: {answers.notes}")
    return "\n".join(lines)
