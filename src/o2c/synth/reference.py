"""Fixed reference data of the synthetic company: its entities, banks, markets and name parts."""

from __future__ import annotations

from dataclasses import dataclass

MINOR_UNITS: dict[str, int] = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0}
CURRENCIES: tuple[str, ...] = tuple(MINOR_UNITS)
# Value of one unit in USD on the first day of the FX random walk.
USD_VALUE: dict[str, float] = {"EUR": 1.08, "USD": 1.0, "GBP": 1.27, "JPY": 1 / 150}

COMPANY = "Kestrel Systems"
STAFF_DOMAIN = "kestrel.example"

BEHAVIOURS: tuple[str, ...] = (
    "on_time", "slow", "disputer", "partial", "batch", "deteriorating", "bad_payer",
)
BEHAVIOUR_SHARES: tuple[float, ...] = (0.34, 0.18, 0.10, 0.10, 0.12, 0.09, 0.07)


@dataclass(frozen=True)
class EntitySpec:
    entity_id: str
    name: str
    functional_currency: str
    time_zone: str
    country: str
    holiday_calendar: str
    invoice_prefix: str
    share: float  # of customers


@dataclass(frozen=True)
class HouseAccountSpec:
    entity_id: str
    currency: str
    bank_name: str
    bic: str
    statement_format: str
    bank_code: str  # IBAN bank part, or a US routing-style prefix when not an IBAN country


ENTITIES: tuple[EntitySpec, ...] = (
    EntitySpec("DE01", f"{COMPANY} GmbH", "EUR", "Europe/Berlin", "DE", "DE", "RE", 0.45),
    EntitySpec("US01", f"{COMPANY} Inc.", "USD", "America/New_York", "US", "US", "INV", 0.35),
    EntitySpec("GB01", f"{COMPANY} Ltd", "GBP", "Europe/London", "GB", "GB", "SI", 0.20),
)

HOUSE_ACCOUNTS: tuple[HouseAccountSpec, ...] = (
    HouseAccountSpec("DE01", "EUR", "Deutsche Bank AG", "DEUTDEFFXXX", "camt053", "50070010"),
    HouseAccountSpec("DE01", "EUR", "Commerzbank AG", "COBADEFFXXX", "mt940", "50040000"),
    HouseAccountSpec("DE01", "USD", "Deutsche Bank AG", "DEUTDEFFXXX", "mt940", "50070010"),
    HouseAccountSpec("US01", "USD", "JPMorgan Chase Bank, N.A.", "CHASUS33", "bai2", "0210"),
    HouseAccountSpec("US01", "USD", "Bank of America, N.A.", "BOFAUS3N", "bai2", "0260"),
    HouseAccountSpec("US01", "JPY", "MUFG Bank, Ltd.", "BOTKJPJT", "mt940", "0005"),
    HouseAccountSpec("GB01", "GBP", "Barclays Bank PLC", "BARCGB22", "camt053", "BARC200000"),
    HouseAccountSpec("GB01", "EUR", "Barclays Bank PLC", "BARCGB22", "camt053", "BARC200000"),
    HouseAccountSpec("GB01", "USD", "HSBC UK Bank plc", "HBUKGB4B", "mt940", "HBUK400515"),
)

# Where each entity's customers are: (country, locale, billing currency, weight).
MARKETS: dict[str, tuple[tuple[str, str, str, float], ...]] = {
    "DE01": (
        ("DE", "de_DE", "EUR", 0.55), ("AT", "de_AT", "EUR", 0.08), ("CH", "de_CH", "EUR", 0.06),
        ("NL", "nl_NL", "EUR", 0.08), ("FR", "fr_FR", "EUR", 0.08), ("BE", "fr_BE", "EUR", 0.04),
        ("IT", "it_IT", "EUR", 0.04), ("ES", "es_ES", "EUR", 0.03), ("US", "en_US", "USD", 0.04),
    ),
    "US01": (
        ("US", "en_US", "USD", 0.80), ("CA", "en_CA", "USD", 0.07), ("JP", "ja_JP", "JPY", 0.05),
        ("MX", "es_MX", "USD", 0.04), ("GB", "en_GB", "USD", 0.04),
    ),
    "GB01": (
        ("GB", "en_GB", "GBP", 0.70), ("IE", "en_IE", "EUR", 0.10), ("NL", "nl_NL", "EUR", 0.05),
        ("FR", "fr_FR", "EUR", 0.05), ("US", "en_US", "USD", 0.05), ("DE", "de_DE", "EUR", 0.05),
    ),
}

# IBAN layout per country: the BBAN as (kind, length) parts; 'n' digits, 'a' upper letters.
IBAN_BBAN: dict[str, tuple[tuple[str, int], ...]] = {
    "DE": (("n", 18),), "AT": (("n", 16),), "CH": (("n", 17),), "NL": (("a", 4), ("n", 10)),
    "FR": (("n", 23),), "BE": (("n", 12),), "IT": (("a", 1), ("n", 22)), "ES": (("n", 20),),
    "GB": (("a", 4), ("n", 14)), "IE": (("a", 4), ("n", 14)),
}

# Name parts by language: company words, legal forms (with weights), people.
INDUSTRY: dict[str, tuple[str, ...]] = {
    "de": ("Maschinenbau", "Logistik", "Handel", "Software", "Elektrotechnik", "Medizintechnik",
           "Bau", "Consulting", "Druck", "Metallbau", "Energie", "Systeme", "Verpackung",
           "Lebensmittel", "Anlagenbau", "Automation"),
    "en": ("Logistics", "Software", "Manufacturing", "Supply", "Health", "Analytics", "Foods",
           "Industries", "Systems", "Partners", "Media", "Energy", "Labs", "Retail", "Freight",
           "Holdings"),
    "fr": ("Distribution", "Industrie", "Services", "Logistique", "Conseil", "Technologies",
           "Emballages", "Transports"),
    "nl": ("Techniek", "Logistiek", "Groep", "Handel", "Installatie", "Bouw", "Automatisering"),
    "it": ("Meccanica", "Logistica", "Servizi", "Tecnologie", "Impianti", "Alimentari"),
    "es": ("Logística", "Servicios", "Tecnología", "Industrias", "Distribuciones", "Ingeniería"),
    "ja": ("Trading", "Electronics", "Precision", "Systems", "Industries", "Shoji"),
}
LEGAL_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "DE": (("GmbH", 0.6), ("AG", 0.15), ("GmbH & Co. KG", 0.2), ("KG", 0.05)),
    "AT": (("GmbH", 0.8), ("AG", 0.2)), "CH": (("AG", 0.6), ("GmbH", 0.4)),
    "US": (("Inc.", 0.5), ("LLC", 0.3), ("Corp.", 0.2)), "CA": (("Inc.", 0.7), ("Ltd.", 0.3)),
    "GB": (("Ltd", 0.7), ("Limited", 0.2), ("PLC", 0.1)), "IE": (("Ltd", 0.6), ("DAC", 0.4)),
    "FR": (("SAS", 0.5), ("SARL", 0.3), ("SA", 0.2)), "BE": (("SA", 0.5), ("SRL", 0.5)),
    "NL": (("B.V.", 0.85), ("N.V.", 0.15)), "IT": (("S.r.l.", 0.7), ("S.p.A.", 0.3)),
    "ES": (("S.L.", 0.7), ("S.A.", 0.3)), "MX": (("S.A. de C.V.", 1.0),),
    "JP": (("K.K.", 0.5), ("Co., Ltd.", 0.5)),
}
# How a bank feed or a clerk rewrites a legal form.
FORM_VARIANTS: dict[str, str] = {
    "GmbH & Co. KG": "GMBH + CO KG", "GmbH": "Gmbh", "AG": "A.G.", "KG": "K.G.", "Inc.": "Inc",
    "LLC": "L.L.C.", "Corp.": "Corporation", "Ltd": "Limited", "Limited": "Ltd.",
    "Ltd.": "Limited", "PLC": "plc", "DAC": "D.A.C.", "SAS": "S.A.S.", "SARL": "S.A.R.L.",
    "SA": "S.A.", "SRL": "S.R.L.", "B.V.": "BV", "N.V.": "NV", "S.r.l.": "SRL",
    "S.p.A.": "SPA", "S.L.": "SL", "S.A.": "SA", "S.A. de C.V.": "SA DE CV", "K.K.": "KK",
    "Co., Ltd.": "Co Ltd",
}
LANGUAGE: dict[str, str] = {
    "DE": "de", "AT": "de", "CH": "de", "US": "en", "CA": "en", "GB": "en", "IE": "en",
    "FR": "fr", "BE": "fr", "NL": "nl", "IT": "it", "ES": "es", "MX": "es", "JP": "ja",
}
COUNTRY_NAMES: dict[str, str] = {
    "DE": "Deutschland", "AT": "Austria", "CH": "Schweiz", "US": "USA", "CA": "Canada",
    "GB": "UK", "IE": "Ireland", "FR": "France", "BE": "Belgium", "NL": "Nederland",
    "IT": "Italia", "ES": "Iberia", "MX": "Mexico", "JP": "Japan",
}
BRAND_HEADS = ("Nor", "Vel", "Kal", "Bren", "Ast", "Cor", "Dal", "Fen", "Gal", "Hel", "Ion",
               "Jur", "Lum", "Mar", "Nex", "Opt", "Pol", "Quin", "Ros", "Sol", "Tal", "Ul",
               "Var", "Wes", "Xan", "Zer", "Alb", "Bel", "Cyr", "Dor", "Elm", "Gran")
BRAND_TAILS = ("vex", "ora", "tek", "ion", "ant", "ix", "aro", "ella", "um", "on", "ara",
               "ido", "ent", "is", "ax", "ico", "ana", "or", "et", "us", "ia", "ex", "ova",
               "ea", "ard", "ing", "ola", "yn", "os", "in")
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Anna", "Lukas", "Julia", "Jonas", "Sophie", "Felix", "Laura", "Maximilian",
           "Katrin", "Stefan", "Jürgen", "Sabine"),
    "en": ("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Daniel", "Olivia",
           "Robert", "Megan", "Thomas", "Hannah"),
    "fr": ("Camille", "Louis", "Chloé", "Hugo", "Léa", "Julien", "Manon", "Nicolas"),
    "nl": ("Daan", "Sanne", "Bram", "Lotte", "Joris", "Femke", "Sem", "Anouk"),
    "it": ("Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo", "Sara", "Andrea"),
    "es": ("Lucía", "Javier", "Carmen", "Pablo", "Elena", "Diego", "Marta", "Sergio"),
    "ja": ("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Yuki"),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
           "Braun", "Zimmermann", "Hartmann", "Krüger"),
    "en": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
           "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
           "Harris", "Clark", "Lewis", "Walker"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Lefèvre", "Girard"),
    "nl": ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit",
           "Meijer", "de Boer", "Mulder"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
           "Marino", "Greco"),
    "es": ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
           "Pérez", "Gómez", "Ruiz"),
    "ja": ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"),
}
EMAIL_TLD: dict[str, str] = {
    "DE": "de", "AT": "at", "CH": "ch", "US": "com", "CA": "ca", "GB": "co.uk", "IE": "ie",
    "FR": "fr", "BE": "be", "NL": "nl", "IT": "it", "ES": "es", "MX": "com.mx", "JP": "co.jp",
}
TERMS_DAYS = (14, 30, 45, 60)
TERMS_SHARES = (0.15, 0.50, 0.15, 0.20)
DISPUTE_REASONS = ("pricing", "quantity", "quality", "not_received", "duplicate_billing",
                   "service_level")
CREDIT_REASONS = ("pricing_adjustment", "returned_goods", "service_credit")
# Bank charges a correspondent bank deducts from a cross-border payment, in minor units.
FEES: dict[str, tuple[int, ...]] = {
    "EUR": (750, 1500, 2500), "USD": (1500, 2000, 2500, 3000), "GBP": (600, 1000, 1500),
    "JPY": (2000, 2500, 4000),
}
