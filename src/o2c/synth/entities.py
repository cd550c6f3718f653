"""The company's legal entities and their house bank accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from o2c.synth.reference import ENTITIES, HOUSE_ACCOUNTS, HouseAccountSpec
from o2c.synth.tables import dataset_table
from o2c.synth.vectors import iban, rng_for


@dataclass(frozen=True)
class HouseAccounts:
    table: pa.Table
    numbers: list[str]
    entity: np.ndarray  # entity index per account
    currency: list[str]


def entities_table() -> pa.Table:
    return dataset_table("entities", {
        "entity_id": [e.entity_id for e in ENTITIES],
        "name": [e.name for e in ENTITIES],
        "functional_currency": [e.functional_currency for e in ENTITIES],
        "time_zone": [e.time_zone for e in ENTITIES],
        "country": [e.country for e in ENTITIES],
        "holiday_calendar": [e.holiday_calendar for e in ENTITIES],
    })


def _account_number(spec: HouseAccountSpec, country: str, rng: np.random.Generator) -> str:
    if country == "DE":
        return iban("DE", spec.bank_code + "".join(map(str, rng.integers(0, 10, 10))))
    if country == "GB":
        return iban("GB", spec.bank_code + "".join(map(str, rng.integers(0, 10, 8))))
    return spec.bank_code + "".join(map(str, rng.integers(0, 10, 8)))


def house_accounts(seed: int) -> HouseAccounts:
    rng = rng_for(seed, "house_accounts")
    index = {e.entity_id: i for i, e in enumerate(ENTITIES)}
    country = {e.entity_id: e.country for e in ENTITIES}
    numbers = [_account_number(s, country[s.entity_id], rng) for s in HOUSE_ACCOUNTS]
    table = dataset_table("house_bank_accounts", {
        "account_number": numbers,
        "entity_id": [s.entity_id for s in HOUSE_ACCOUNTS],
        "currency": [s.currency for s in HOUSE_ACCOUNTS],
        "bank_name": [s.bank_name for s in HOUSE_ACCOUNTS],
        "bic": [s.bic for s in HOUSE_ACCOUNTS],
        "statement_format": [s.statement_format for s in HOUSE_ACCOUNTS],
    })
    return HouseAccounts(
        table=table,
        numbers=numbers,
        entity=np.array([index[s.entity_id] for s in HOUSE_ACCOUNTS]),
        currency=[s.currency for s in HOUSE_ACCOUNTS],
    )
