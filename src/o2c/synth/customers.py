"""Customers, their contacts, their payment behaviour and how their payments look at the bank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from o2c.synth import names
from o2c.synth.entities import HouseAccounts
from o2c.synth.reference import (
    BEHAVIOUR_SHARES,
    BEHAVIOURS,
    COUNTRY_NAMES,
    ENTITIES,
    LANGUAGE,
    MARKETS,
    MINOR_UNITS,
    STAFF_DOMAIN,
    TERMS_DAYS,
    TERMS_SHARES,
    USD_VALUE,
)
from o2c.synth.tables import dataset_table
from o2c.synth.vectors import days, money_strings, numbered, rng_for, with_nulls


@dataclass
class Customers:
    """Per-customer arrays (index = customer number) that later phases draw on."""

    table: pa.Table
    contacts: pa.Table
    ids: pa.Array
    entity: np.ndarray
    currency: np.ndarray  # str
    decimals: np.ndarray
    cross_border: np.ndarray  # bool: country or currency differs from the entity's
    behaviour: np.ndarray  # index into BEHAVIOURS
    terms: np.ndarray
    created: np.ndarray  # datetime64[D]
    house_account: np.ndarray  # index into HouseAccounts.numbers
    parent: np.ndarray  # customer index, -1 when none
    invoice_size: np.ndarray  # typical invoice, major units of the customer's currency
    fixed_price: np.ndarray  # bool: bills the same amount every time
    collector: list[str]
    payer_names: np.ndarray  # (n, PAYER_VARIANTS) str
    payer_name_usual: np.ndarray  # variant a customer's bank usually shows
    known_accounts: list[list[str]]
    new_account: np.ndarray  # str: an account the ERP does not know yet


def assign_behaviours(n: int, rng: np.random.Generator) -> np.ndarray:
    """Every behaviour at least once when n allows it, in the reference shares otherwise."""
    counts = np.floor(np.array(BEHAVIOUR_SHARES) * n).astype(int)
    if n >= len(BEHAVIOURS):
        counts = np.maximum(counts, 1)
    counts[0] += n - counts.sum()
    return rng.permutation(np.repeat(np.arange(len(BEHAVIOURS)), counts))


def _staff(prefix: str, count: int, rng: np.random.Generator) -> list[str]:
    out = []
    for i in range(count):
        first, last = names.person("en" if i % 2 else "de", rng)
        out.append(f"{names.email_local(first, last)}.{prefix}{i + 1}@{STAFF_DOMAIN}")
    return out


def _parents(entity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A few groups: a parent customer and 1-4 subsidiaries billed by the same entity."""
    n = len(entity)
    parent = np.full(n, -1)
    heads = rng.choice(n, size=max(n // 40, 1 if n >= 10 else 0), replace=False)
    taken = np.zeros(n, bool)
    taken[heads] = True
    for head in heads:
        pool = np.flatnonzero((entity == entity[head]) & ~taken)
        subs = rng.choice(pool, size=min(len(pool), int(rng.integers(1, 5))), replace=False)
        parent[subs] = head
        taken[subs] = True
    return parent


def make_customers(n: int, seed: int, start: date, as_of: date,
                   house: HouseAccounts) -> Customers:
    rng = rng_for(seed, "customers")
    entity = rng.choice(len(ENTITIES), size=n, p=[e.share for e in ENTITIES])
    market = [MARKETS[ENTITIES[e].entity_id] for e in entity]
    pick = [m[rng.choice(len(m), p=[w for *_, w in m])] for m in market]
    country = np.array([p[0] for p in pick])
    locale = np.array([p[1] for p in pick])
    currency = np.array([p[2] for p in pick])
    functional = np.array([ENTITIES[e].functional_currency for e in entity])
    home = np.array([ENTITIES[e].country for e in entity])
    behaviour = assign_behaviours(n, rng)
    terms = rng.choice(TERMS_DAYS, size=n, p=TERMS_SHARES)
    decimals = np.array([MINOR_UNITS[c] for c in currency])
    parent = _parents(entity, rng)

    # Most customers predate the window; some are won during it.
    window = (as_of - start).days
    created = np.where(
        rng.random(n) < 0.85,
        days(start) - rng.integers(30, 1500, n),
        days(start) + rng.integers(0, max(window - 60, 1), n),
    ).astype("datetime64[D]")

    invoice_size = 1800 * rng.lognormal(0, 1.0, n) / np.array([USD_VALUE[c] for c in currency])
    fixed_price = rng.random(n) < 0.3
    monthly = invoice_size * 2
    limit_major = np.round(monthly * terms / 30 * rng.uniform(2, 5, n) / 1000) * 1000
    limit_major = np.where(behaviour == BEHAVIOURS.index("bad_payer"), limit_major / 2, limit_major)
    credit_limit = (np.maximum(limit_major, 1000) * 10 ** decimals).astype(np.int64)

    # House account: the customer pays the entity's account in its billing currency.
    house_account = np.empty(n, np.int64)
    for i in range(n):
        options = [a for a, (e, c) in enumerate(zip(house.entity, house.currency, strict=True))
                   if e == entity[i] and c == currency[i]]
        house_account[i] = options[int(rng.integers(len(options)))]

    owners = _staff("ae", max(n // 150, 4), rng)
    csms = _staff("csm", max(n // 250, 3), rng)
    collectors = {e: _staff(f"ar{e}", max(n // 1500, 2), rng) for e in range(len(ENTITIES))}
    collector = [collectors[e][int(rng.integers(len(collectors[e])))] for e in entity]

    display, legal = np.empty(n, object), np.empty(n, object)
    variants = np.empty((n, names.PAYER_VARIANTS), object)
    known: list[list[str]] = [[] for _ in range(n)]
    new_account = np.empty(n, object)
    contacts: dict[str, list] = {k: [] for k in ("customer", "role", "name", "email", "dnd")}
    order = np.argsort(parent >= 0, kind="stable")  # parents are named before subsidiaries
    for i in order:
        name, form, stem = names.company_name(country[i], rng)
        if parent[i] >= 0:
            name = f"{display[parent[i]]} {COUNTRY_NAMES[country[i]]}"
            stem = name.split(" ")[0]
        display[i], legal[i] = name, f"{name} {form}"
        variants[i] = names.payer_variants(name, form, rng)
        count = rng.choice(3, p=[0.1, 0.7, 0.2])
        known[i] = [names.bank_account(country[i], rng) for _ in range(count)]
        new_account[i] = names.bank_account(country[i], rng)
        domain = names.company_domain(stem, country[i])
        lang = LANGUAGE[country[i]]
        roles = ["billing"] * int(rng.integers(1, 3)) + ["escalation"] * int(rng.random() < 0.7)
        for role in roles:
            first, last = names.person(lang, rng)
            local = "accounts.payable" if role == "billing" and rng.random() < 0.3 else (
                names.email_local(first, last))
            contacts["customer"].append(i)
            contacts["role"].append(role)
            contacts["name"].append(f"{first} {last}")
            contacts["email"].append(f"{local}@{domain}")
            contacts["dnd"].append(bool(rng.random() < 0.03))

    ids = numbered("10", np.arange(1, n + 1), 6)
    crm = numbered("0015g00000", rng.integers(0, 10**6, n), 6)
    no_crm = rng.random(n) < 0.03
    parent_ids = with_nulls(ids.take(pa.array(np.maximum(parent, 0))), parent < 0)
    table = dataset_table("customers", {
        "customer_id": ids,
        "entity_id": [ENTITIES[e].entity_id for e in entity],
        "name": display.tolist(),
        "legal_name": legal.tolist(),
        "country": country.tolist(),
        "currency": currency.tolist(),
        "locale": locale.tolist(),
        "payment_terms_days": terms,
        "credit_limit": money_strings(credit_limit, decimals),
        "crm_id": with_nulls(crm, no_crm),
        "account_owner_email": with_nulls(pa.array([owners[i % len(owners)] for i in
                                                    rng.integers(0, len(owners), n)]),
                                          rng.random(n) < 0.02),
        "csm_email": with_nulls(pa.array([csms[i] for i in rng.integers(0, len(csms), n)]),
                                rng.random(n) < 0.3),
        "collector_email": collector,
        "parent_customer_id": parent_ids,
        "payer_accounts": with_nulls(pa.array([";".join(k) for k in known]),
                                     np.array([not k for k in known])),
        "created_date": created,
        # the ids look like Salesforce Account ids: that is the CRM they belong to
        "crm_system": with_nulls(pa.array(["salesforce"] * n), no_crm),
    })
    contact_cust = np.array(contacts["customer"], np.int64)
    contact_table = dataset_table("contacts", {
        "contact_id": numbered("CT-", np.arange(1, len(contact_cust) + 1), 7),
        "customer_id": ids.take(pa.array(contact_cust)),
        "role": contacts["role"],
        "name": contacts["name"],
        "email": contacts["email"],
        "do_not_dun": np.array(contacts["dnd"], bool),
    })
    usual = rng.choice(names.PAYER_VARIANTS, size=n, p=[0.45, 0.2, 0.15, 0.1, 0.1, 0.0])
    return Customers(
        table=table, contacts=contact_table, ids=ids, entity=entity, currency=currency,
        decimals=decimals, cross_border=(country != home) | (currency != functional),
        behaviour=behaviour, terms=terms, created=created, house_account=house_account,
        parent=parent, invoice_size=invoice_size, fixed_price=fixed_price, collector=collector,
        payer_names=variants, payer_name_usual=usual, known_accounts=known,
        new_account=new_account,
    )
