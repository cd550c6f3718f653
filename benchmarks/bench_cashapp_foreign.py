"""Cash application on companies `o2c.synth` did not make: does the engine generalise?

    .venv/bin/python benchmarks/bench_cashapp_foreign.py [--seeds 1 2 3] [--customers 400]

A second, deliberately different company generator, written apart from `o2c.synth`: invoice
numbers in one of three house styles (by seed: `F2026/00456`, `SI-000123`, `90000123`), 1-14
open items per customer with recurring amounts, payer names as entered or in capitals, a third
of receipts from accounts the list does not know, several companies sharing a trading name.
Remittance is written the way people write it: in five languages, numbers as issued, without
separators, in lower case, spaced, as the running number only, now and then two digits swapped,
joined by `/`, `+`, `;` or spaces, with a date, the amount, a PO or customer number beside them;
8% of receipts say nothing. A quarter pay several invoices, 8% deduct a bank fee, some pay half.
Refunds, tax and own transfers arrive too, and supplier payments go out.

Each company is written as the standalone run takes it (open_items.csv and bank CSV files), run
through `o2c cashapp run`'s code, and scored against its truth: the invoice-level rate (invoices
whose receipt was auto-applied to them) and the precision of auto-applied pairs.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

STYLES = ("sap", "slash", "prefix")
FIRST = ["Nordwind", "Sonnenhof", "Blue Harbor", "Atlas", "Kestrel", "Meridian", "Pinecrest",
         "Vortex", "Halcyon", "Granite", "Silverline", "Oakridge", "Copperfield", "Redstone",
         "Brightwater", "Falkenberg", "Lindqvist", "Moreau", "Castellano", "Okafor"]
SECOND = ["Trading", "Maschinenbau", "Foods", "Logistik", "Electronics", "Apparel", "Chemicals",
          "Services", "Medical", "Design"]
FORMS = ["GmbH", "Ltd", "SAS", "S.p.A.", "AB", "Inc", "KG", "BV"]
WORDS = ["Invoice", "Inv.", "Rechnung", "RE", "Facture", "Payment", "Zahlung", "",
         "Pago factura", "Ref"]
AS_OF = date(2026, 5, 31)
CENT = Decimal("0.01")


def invoice_number(style: str, k: int) -> str:
    return {"sap": f"9{k:07d}", "slash": f"F2026/{k:05d}", "prefix": f"SI-{k:06d}"}[style]


class Company:
    """One generated company: its open items, its bank lines and the truth of who paid what."""

    def __init__(self, seed: int, customers: int) -> None:
        self.rng = random.Random(seed)
        self.style = STYLES[seed % len(STYLES)]
        self.items: list[dict] = []
        self.lines: list[dict] = []
        self.truth: list[tuple[str, str]] = []
        for c in range(customers):
            self._customer(c)
        self._receipts(seed)
        self._noise(seed)

    def _customer(self, c: int) -> None:
        rng = self.rng
        name = (f"{FIRST[c % 20]} {SECOND[(c // 20) % 10]} {FORMS[c % 8]}" if c % 7 == 0 else
                f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(FORMS)}")
        account = f"DE{rng.randrange(10**19, 10**20)}"
        currency = "EUR" if rng.random() < 0.85 else rng.choice(["USD", "GBP"])
        recurring = Decimal(rng.randrange(20000, 900000)) / 100
        for _ in range(rng.randint(1, 14)):
            self.k = getattr(self, "k", 100) + rng.randint(1, 3)
            issued = AS_OF - timedelta(days=rng.randint(5, 150))
            amount = (recurring if rng.random() < 0.25
                      else Decimal(rng.randrange(5000, 2500000)) / 100)
            self.items.append({
                "customer_id": f"K{10000 + c}", "customer_name": name,
                "invoice_id": invoice_number(self.style, self.k), "issue_date": issued,
                "due_date": issued + timedelta(days=30), "currency": currency,
                "open_amount": amount, "customer_account": account if rng.random() < 0.7 else "",
                "_account": account})

    def _written(self, number: str) -> str:
        r = self.rng.random()
        if r < 0.45:
            return number
        if r < 0.6:
            return number.replace("-", "").replace("/", "")
        if r < 0.7:
            return number.lower()
        if r < 0.8:
            return number.replace("/", " ").replace("-", " ")
        if r < 0.9:  # the running number only
            return re.findall("[0-9]+", number)[-1].lstrip("0")
        if r < 0.95:  # two digits near the end swapped
            i = self.rng.randrange(len(number) - 3, len(number) - 1)
            chars = list(number)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            return "".join(chars)
        return number

    def _remittance(self, numbers: list[str], customer_id: str, amount: Decimal,
                    currency: str) -> str:
        rng = self.rng
        german = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        beside = rng.choice(["", "", f" {german} {currency}", f" {amount} {currency}",
                             f" dated {rng.randint(1, 28):02d}.{rng.randint(1, 5):02d}.2026",
                             f" Kd-Nr {customer_id[1:]}", f" PO 45{rng.randrange(10**7, 10**8)}",
                             " thank you", f" order {rng.randint(100, 99999)}"])
        joined = rng.choice([", ", " ", "/", " + ", "; "]).join(numbers)
        return f"{rng.choice(WORDS)} {joined}{beside}".strip()[:140]

    def _receipts(self, seed: int) -> None:
        rng = self.rng
        by_customer: dict[str, list[dict]] = {}
        for item in self.items:
            by_customer.setdefault(item["customer_id"], []).append(item)
        for customer_id, pool in by_customer.items():
            rng.shuffle(pool)
            pool = list(pool)
            while pool and rng.random() >= 0.12:  # the rest stays unpaid
                n = 1 if rng.random() < 0.75 or len(pool) < 2 else min(len(pool),
                                                                       rng.randint(2, 6))
                paid_items = [pool.pop() for _ in range(n)]
                total = sum(i["open_amount"] for i in paid_items)
                x, amount = rng.random(), total
                if x < 0.08:
                    amount = total - Decimal(rng.choice(["7.50", "12.00", "15.00", "25.00"]))
                elif x < 0.13 and n == 1:
                    amount = (total / 2).quantize(CENT)
                first = paid_items[0]
                ref = f"BR{seed}{len(self.lines):07d}"
                name = first["customer_name"]
                self.lines.append({
                    "account": "DE00HOUSE" + first["currency"], "currency": first["currency"],
                    "date": min(AS_OF, max(i["issue_date"] for i in paid_items)
                                + timedelta(days=rng.randint(3, 40))),
                    "amount": f"{amount:.2f}", "reference": ref,
                    "counterparty": name.upper() if rng.random() < 0.6 else name,
                    "counterparty_account": first["_account"] if rng.random() < 0.65
                    else f"FR{rng.randrange(10**20, 10**21)}",
                    "remittance": "" if rng.random() < 0.08 else self._remittance(
                        [self._written(i["invoice_id"]) for i in paid_items], customer_id,
                        amount, first["currency"])})
                self.truth += [(ref, i["invoice_id"]) for i in paid_items]

    def _noise(self, seed: int) -> None:
        rng = self.rng
        for j in range(len(self.lines) // 40):
            day = AS_OF - timedelta(days=rng.randint(1, 60))
            self.lines.append({
                "account": "DE00HOUSEEUR", "currency": "EUR", "date": day,
                "amount": f"{Decimal(rng.randrange(100, 500000)) / 100:.2f}",
                "reference": f"NX{seed}{j:06d}", "counterparty_account": "",
                "counterparty": rng.choice(["FINANZAMT MUENCHEN", "AXA VERSICHERUNG", "OWN"]),
                "remittance": rng.choice(["Steuererstattung 2025", "Schaden 88123", "Umbuchung"])})
            self.lines.append({
                "account": "DE00HOUSEEUR", "currency": "EUR", "date": day,
                "amount": f"-{Decimal(rng.randrange(100, 500000)) / 100:.2f}",
                "reference": f"DX{seed}{j:06d}", "counterparty_account": "",
                "counterparty": "SUPPLIER",
                "remittance": f"Invoice {invoice_number(self.style, j)}"})

    def write(self, folder: Path) -> None:
        (folder / "bank").mkdir(parents=True)
        columns = ["account", "date", "amount", "currency", "counterparty", "remittance",
                   "reference", "counterparty_account"]
        for account in sorted({line["account"] for line in self.lines}):
            with open(folder / "bank" / f"{account}.csv", "w", newline="") as f:
                writer = csv.DictWriter(f, columns)
                writer.writeheader()
                writer.writerows(sorted((x for x in self.lines if x["account"] == account),
                                        key=lambda x: x["date"]))
        with open(folder / "open_items.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, [k for k in self.items[0] if not k.startswith("_")],
                                    extrasaction="ignore")
            writer.writeheader()
            writer.writerows(self.items)


def score(company: Company, out: Path) -> dict:
    con = duckdb.connect()
    con.execute("create table truth (bank_ref varchar, invoice_id varchar)")
    con.executemany("insert into truth values (?, ?)", company.truth)
    con.execute("create table auto as select bank_ref, invoice_id from read_csv(?, "
                "all_varchar = true) where status = 'auto'", [str(out / "applications.csv")])
    pairs, right = con.execute("select count(*), count(*) filter (where (bank_ref, invoice_id) in "
                               "(select (bank_ref, invoice_id) from truth)) from auto").fetchone()
    return {"invoices": len(company.truth), "invoice_rate": right / len(company.truth),
            "auto_pairs": pairs, "precision": right / pairs if pairs else 1.0}


def main() -> None:
    from o2c.cashapp.cli import standalone

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--customers", type=int, default=400)
    args = parser.parse_args()
    print("| seed | numbers | invoices | invoice rate | auto pairs | precision |")
    print("|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="o2c_foreign_") as work:
        for seed in args.seeds:
            company = Company(seed, args.customers)
            folder = Path(work) / f"seed{seed}"
            company.write(folder)
            standalone(folder / "open_items.csv", folder / "bank", folder / "out")
            s = score(company, folder / "out")
            print(f"| {seed} | {invoice_number(company.style, 123)} | {s['invoices']} | "
                  f"{s['invoice_rate']:.2%} | {s['auto_pairs']} | {s['precision']:.2%} |")


if __name__ == "__main__":
    main()
