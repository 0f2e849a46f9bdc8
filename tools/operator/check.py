#!/usr/bin/env python3
"""The operator's identity for the site: checks operator.toml (or operator.demo.toml) and,
with --write, hands it to Zola.

    python3 tools/operator/check.py operator.toml                  # check only
    python3 tools/operator/check.py --publish operator.toml        # as `make deploy` does
    python3 tools/operator/check.py --write site operator.toml     # as `make site` does

Every problem is one line naming the field; the exit status is 1 when there is any. --publish
also refuses the demo file and values copied from it: an imprint with made-up data must never
go online. --write puts the checked values, plus what the privacy notice states about the
deployment (the AWS region and how long logs are kept), into site/data/operator.json for the
templates, and the primary colour into site/static/css/operator.css (the CSP allows no inline
style). Both files are generated and ignored by git.

The deployment facts come from the files the stack is deployed with: the region from
samconfig.toml, the log retention from the template's LogRetentionDays default. `make deploy`
overrides both with the deployed stack's real values (SITE_AWS_REGION, SITE_LOG_RETENTION_DAYS).

Python 3.11 or newer (tomllib), no other packages. docs/operations.md lists every field.
"""

import json
import os
import pathlib
import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("tools/operator/check.py needs Python 3.11 or newer (it reads TOML with tomllib)")

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
DEMO_FILE = ROOT / "operator.demo.toml"
STYLESHEET = ROOT / "site" / "static" / "css" / "site.css"
TEMPLATE = ROOT / "infra" / "template.yaml"
SAMCONFIG = ROOT / "samconfig.toml"

# WCAG 2.1 AA for normal text: links and button labels use the primary colour.
MIN_CONTRAST = 4.5
# The light scheme's backgrounds in site.css on which the primary colour is text or carries
# white text: links on the page, cards, boxes and notices.
LIGHT_BACKGROUNDS = ["--surface", "--bg", "--neutral-bg", "--info-bg", "--notice-bg", "--error-bg"]
LOGO_TYPES = (".svg", ".png", ".webp", ".jpg", ".jpeg")
# Domains that can never be an operator's real address (RFC 2606, RFC 6761).
RESERVED_DOMAIN = re.compile(r"(^|\.)(example\.(com|org|net)|[^.]+\.(example|invalid|test|localhost))$", re.I)

# Where the region is, for the privacy notice (German, English). A region not listed here is
# named by its code alone.
REGION_PLACES = {
    "eu-central-1": ("Frankfurt am Main, Deutschland", "Frankfurt am Main, Germany"),
    "eu-central-2": ("Zürich, Schweiz", "Zurich, Switzerland"),
    "eu-west-1": ("Irland", "Ireland"),
    "eu-west-2": ("London, Vereinigtes Königreich", "London, United Kingdom"),
    "eu-west-3": ("Paris, Frankreich", "Paris, France"),
    "eu-north-1": ("Stockholm, Schweden", "Stockholm, Sweden"),
    "eu-south-1": ("Mailand, Italien", "Milan, Italy"),
    "eu-south-2": ("Spanien", "Spain"),
    "us-east-1": ("Nord-Virginia, USA", "Northern Virginia, USA"),
    "us-east-2": ("Ohio, USA", "Ohio, USA"),
    "us-west-2": ("Oregon, USA", "Oregon, USA"),
}


# ---- the fields -----------------------------------------------------------------------------

class Field:
    """One field of the file: its dotted name, what kind of value, whether it is required, and
    what to write there (shown when it is missing)."""

    def __init__(self, name, kind, hint, required=True, compare_with_demo=False):
        self.name = name
        self.kind = kind
        self.hint = hint
        self.required = required
        self.compare_with_demo = compare_with_demo


FIELDS = [
    Field("demo", "bool", "true only in operator.demo.toml: marks made-up values", required=False),
    Field("company.legal_name", "text", "the full legal name with its legal form, e.g. \"Muster Software GmbH\"", compare_with_demo=True),
    Field("company.street", "text", "street and number of the registered address", compare_with_demo=True),
    Field("company.postal_code", "text", "postcode of the registered address"),
    Field("company.city", "text", "city of the registered address"),
    Field("company.country", "bilingual", "the country, in German and English: { de = \"Deutschland\", en = \"Germany\" }"),
    Field("company.email", "email", "an address for quick contact by email (§ 5 DDG)", compare_with_demo=True),
    Field("company.phone", "phone", "a phone number for quick contact (§ 5 DDG), e.g. \"+49 30 1234567\"", compare_with_demo=True),
    Field("company.managing_directors", "names", "who represents the company: the managing directors (of an AG: the board), e.g. [\"Erika Muster\"]", compare_with_demo=True),
    Field("company.register_court", "text", "the register court, e.g. \"Amtsgericht Charlottenburg\"", compare_with_demo=True),
    Field("company.register_number", "text", "the register number, e.g. \"HRB 123456 B\"", compare_with_demo=True),
    Field("company.vat_id", "vat_id", "the VAT identification number (§ 27a UStG), e.g. \"DE123456789\"", compare_with_demo=True),
    Field("privacy.contact_email", "email", "where people send questions about their data (Art. 13 GDPR)", compare_with_demo=True),
    Field("privacy.officer", "text", "name of your data protection officer, if you have one (Art. 37 GDPR)", required=False, compare_with_demo=True),
    Field("privacy.officer_email", "email", "how to reach the data protection officer", required=False, compare_with_demo=True),
    Field("privacy.supervisory_authority", "text", "the data protection authority responsible for you, e.g. \"Berliner Beauftragte für Datenschutz und Informationsfreiheit\"", required=False, compare_with_demo=True),
    Field("support.email", "email", "the support address customers write to", compare_with_demo=True),
    Field("support.phone", "phone", "the support phone number", compare_with_demo=True),
    Field("support.hours", "bilingual", "when support answers, in German and English: { de = \"Mo–Fr 9–17 Uhr\", en = \"Mon–Fri 9 am–5 pm (CET)\" }", compare_with_demo=True),
    Field("brand.logo", "logo", "the logo's path in the site, a file under site/static/, e.g. \"/brand/logo.svg\"", compare_with_demo=True),
    Field("brand.primary_colour", "colour", "the accent colour of links and buttons as #rrggbb"),
]
FIELD_NAMES = {f.name for f in FIELDS}
SECTIONS = {name.split(".")[0] for name in FIELD_NAMES if "." in name}


def lookup(data, dotted):
    """The value at `company.legal_name`, or None."""
    value = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def unknown_fields(data, prefix=""):
    """Dotted names in the file that no Field describes (typos, or fields of another version)."""
    found = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if name in FIELD_NAMES:
            continue
        if not prefix and key in SECTIONS and isinstance(value, dict):
            found += unknown_fields(value, f"{key}.")
        else:
            found.append(name)
    return found


# ---- colours --------------------------------------------------------------------------------

def luminance(hex_colour):
    """Relative luminance (WCAG 2.1) of #rrggbb."""
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b):
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def light_scheme_backgrounds():
    """{'--bg': '#f5f7fa', …}: the first :root block of site.css is the light scheme."""
    css = STYLESHEET.read_text(encoding="utf-8")
    block = re.search(r":root\s*\{(.*?)\}", css, re.S)
    values = dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;", block.group(1) if block else ""))
    return {name: values[name] for name in LIGHT_BACKGROUNDS if name in values}


def darker(hex_colour, share=0.2):
    """The colour mixed with `share` black: the hover state of links and buttons."""
    r, g, b = (round(int(hex_colour[i:i + 2], 16) * (1 - share)) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


# ---- checks ---------------------------------------------------------------------------------

def problems_with(field, value):
    """What is wrong with one present value ([] when nothing)."""
    kind = field.kind
    if kind == "bool":
        return [] if isinstance(value, bool) else ["must be true or false"]
    if kind == "bilingual":
        if not isinstance(value, dict):
            return ["must give the German and the English text: { de = \"…\", en = \"…\" }"]
        found = []
        for lang in ("de", "en"):
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                found.append(f"has no {'German' if lang == 'de' else 'English'} text ({field.name}.{lang})")
        found += [f"has a text in an unknown language ({field.name}.{extra}): only de and en" for extra in value if extra not in ("de", "en")]
        return found
    if kind == "names":
        if not isinstance(value, list) or not value:
            return ["must be a list with at least one name, e.g. [\"Erika Muster\"]"]
        if not all(isinstance(v, str) and v.strip() for v in value):
            return ["every entry must be a name (text, not empty)"]
        return []
    if not isinstance(value, str):
        return ["must be text in quotes"]
    text = value.strip()
    if not text:
        return ["is empty"]
    if kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", text):
        return [f"\"{text}\" is not an email address"]
    if kind == "phone" and not re.fullmatch(r"\+?[0-9][0-9 ()/\-]{5,}", text):
        return [f"\"{text}\" is not a phone number (digits, spaces, + ( ) / - only)"]
    if kind == "vat_id" and not re.fullmatch(r"[A-Z]{2}[0-9A-Z+*]{2,12}", text.replace(" ", "")):
        return [f"\"{text}\" is not a VAT identification number (country prefix and number, e.g. DE123456789)"]
    if kind == "logo":
        if not re.fullmatch(r"(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+", text):
            return [f"\"{text}\" must be a path in the site starting with / (letters, digits, . _ - only), e.g. \"/brand/logo.svg\""]
        if not text.lower().endswith(LOGO_TYPES):
            return [f"\"{text}\" must be an image: {', '.join(LOGO_TYPES)}"]
        if not (ROOT / "site" / "static" / text.lstrip("/")).is_file():
            return [f"site/static{text} does not exist: put the logo there"]
    if kind == "colour":
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
            return [f"\"{text}\" is not a colour of the form #rrggbb"]
        for name, background in light_scheme_backgrounds().items():
            ratio = contrast(text, background)
            if ratio < MIN_CONTRAST:
                return [
                    f"{text} has a contrast of only {ratio:.1f}:1 against {background} ({name} in site.css); "
                    f"links and buttons need at least {MIN_CONTRAST}:1 (WCAG AA): choose a darker shade"
                ]
    return []


def check(data, path):
    """Every problem of the parsed file, as lines naming the field."""
    lines = []
    for field in FIELDS:
        value = lookup(data, field.name)
        if value is None:
            if field.required:
                lines.append(f"{path}: {field.name} is missing: {field.hint}")
            continue
        lines += [f"{path}: {field.name} {problem}" for problem in problems_with(field, value)]
    if (lookup(data, "privacy.officer") is None) != (lookup(data, "privacy.officer_email") is None):
        lines.append(f"{path}: privacy.officer and privacy.officer_email go together: give both or neither")
    for name in unknown_fields(data):
        lines.append(f"{path}: {name} is not a field of this file (see docs/operations.md for the list)")
    return lines


def publishing_problems(data, path):
    """Why this file must not go online: demo values (lines naming the field)."""
    if path.resolve() == DEMO_FILE.resolve():
        return [
            f"{path}: holds demo values and is never published: copy it to operator.toml and enter "
            "your own details (docs/operations.md)"
        ]
    lines = []
    if data.get("demo") is True:
        lines.append(f"{path}: demo is true: remove it once every value is your own")
    demo = tomllib.loads(DEMO_FILE.read_text(encoding="utf-8")) if DEMO_FILE.is_file() else {}
    for field in FIELDS:
        value = lookup(data, field.name)
        if field.compare_with_demo and value is not None and value == lookup(demo, field.name):
            lines.append(f"{path}: {field.name} is still the demo value {json.dumps(value, ensure_ascii=False)}")
        if field.kind == "email" and isinstance(value, str) and RESERVED_DOMAIN.search(value.rsplit("@", 1)[-1]):
            lines.append(f"{path}: {field.name} \"{value}\" is at a domain reserved for examples: give a real address")
    return lines


# ---- deployment facts -----------------------------------------------------------------------

def deployment_facts():
    """(facts, problems): the region and the log retention the privacy notice states."""
    problems = []
    region = os.environ.get("SITE_AWS_REGION", "").strip()
    if not region:
        sam = tomllib.loads(SAMCONFIG.read_text(encoding="utf-8")) if SAMCONFIG.is_file() else {}
        region = lookup(sam, "default.global.parameters.region") or lookup(sam, "default.deploy.parameters.region") or ""
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
        problems.append(
            f"the AWS region {region!r} is not a region code (samconfig.toml: [default.global.parameters] region, "
            "or SITE_AWS_REGION)"
        )
    days = os.environ.get("SITE_LOG_RETENTION_DAYS", "").strip() or template_log_retention_default()
    if not (days or "").isdigit() or int(days) < 1:
        problems.append(
            f"the log retention {days!r} is not a number of days (infra/template.yaml: LogRetentionDays, "
            "or SITE_LOG_RETENTION_DAYS)"
        )
    place = REGION_PLACES.get(region, (region, region))
    facts = {
        "aws_region": region,
        "aws_region_place": {"de": place[0], "en": place[1]},
        "log_retention_days": int(days) if (days or "").isdigit() else 0,
    }
    return facts, problems


def template_log_retention_default():
    """The Default of the LogRetentionDays parameter, read as text (CloudFormation's !Ref and
    !Sub tags need a YAML loader of their own)."""
    block = re.search(r"^  LogRetentionDays:\n((?:    .*\n)+)", TEMPLATE.read_text(encoding="utf-8"), re.M)
    default = re.search(r"^    Default:\s*(\d+)\s*$", block.group(1), re.M) if block else None
    return default.group(1) if default else None


# ---- output for Zola ------------------------------------------------------------------------

def write_for_site(site, data, path, facts):
    """site/data/operator.json (for load_data in the templates) and site/static/css/operator.css."""
    def clean(value):
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    document = {name: clean(data.get(name, {})) for name in sorted(SECTIONS)}
    # Optional fields that are not given are empty, so templates can test them plainly.
    for field in FIELDS:
        section, _, key = field.name.partition(".")
        if key and key not in document[section]:
            document[section][key] = ""
    document["demo"] = data.get("demo") is True
    document["source"] = path.name
    document["facts"] = facts
    document["company"]["vat_id"] = document["company"]["vat_id"].replace(" ", "")
    # tel: links take the digits (and a leading +) only.
    for section in ("company", "support"):
        phone = document[section]["phone"]
        document[section]["phone_link"] = ("+" if phone.startswith("+") else "") + re.sub(r"\D", "", phone)
    data_dir = site / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "operator.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    colour = document["brand"]["primary_colour"].lower()
    css = (
        f"/* Generated by tools/operator/check.py from {path.name}: brand.primary_colour. Do not edit. The dark\n"
        "   scheme keeps the accent of site.css, which is made for dark backgrounds. */\n"
        "@media (prefers-color-scheme: light) {\n"
        "  :root {\n"
        f"    --primary: {colour};\n"
        f"    --primary-hover: {darker(colour)};\n"
        f"    --link: {colour};\n"
        "  }\n"
        "}\n"
    )
    css_dir = site / "static" / "css"
    css_dir.mkdir(parents=True, exist_ok=True)
    (css_dir / "operator.css").write_text(css, encoding="utf-8")


# ---- command line ---------------------------------------------------------------------------

def main(argv):
    args = list(argv)
    publish = "--publish" in args
    if publish:
        args.remove("--publish")
    site = None
    if "--write" in args:
        at = args.index("--write")
        if at + 1 >= len(args):
            sys.exit("usage: check.py [--publish] [--write SITE_DIR] FILE")
        site = pathlib.Path(args[at + 1])
        del args[at:at + 2]
    if len(args) != 1 or args[0].startswith("-"):
        sys.exit("usage: check.py [--publish] [--write SITE_DIR] FILE")
    path = pathlib.Path(args[0])

    if not path.is_file():
        print(f"{path}: not found: copy operator.demo.toml to operator.toml and enter your own details "
              "(docs/operations.md, “Your identity: operator.toml”)", file=sys.stderr)
        return 1
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        print(f"{path}: not valid TOML: {err}", file=sys.stderr)
        return 1

    problems = check(data, path)
    if publish:
        problems += publishing_problems(data, path)
    facts, fact_problems = deployment_facts()
    problems += fact_problems
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        what = "make deploy publishes nothing" if publish else "the site is not built"
        print(f"{path}: {len(problems)} problem(s); {what} until they are fixed (docs/operations.md)", file=sys.stderr)
        return 1
    if site is not None:
        write_for_site(site, data, path, facts)
    if data.get("demo") is True:
        print(f"  {path.name}: demo values (marked as such on the site); make deploy needs your operator.toml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
