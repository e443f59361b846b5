"""A fictional population of Yokkaichi for `make run` (`manage.py load_demo`) and the benchmarks.

Nobody in it is real: names come from Faker's ja_JP tables (plus a few local and variant
spellings below), street numbers and phone numbers are invented, and every record's メモ starts
with DEMO_MARK so a screenshot can never be mistaken for a real person's file. Only the 地区 are
real: they are the District rows of the loaded master data.

The households are the kinds the plan is about: elderly couples, old people living alone,
8050 households, single parents, young and middle-aged people living alone, three generations
under one roof, and a few families with a foreign-resident member.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker
from faker.providers.person.ja_JP import Provider as JaPersonNames

from yorisoi.directory.models import Agency, District

from .models import Household, HouseholdMember, Language, Person, Relationship, Sex

DEFAULT_SEED = 20260401
DEMO_MARK = "【デモ用の架空の人物】"

# Some family names are registered in an old or variant form (戸籍の異体字). A share of the
# demo families use one, so that searching 高橋 finding 髙橋 can be shown; every variant here
# must fold to its standard form through data/variants.tsv (a test checks that).
VARIANT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "高橋": ("髙橋",),
    "斎藤": ("齋藤", "齊藤"),
    "斉藤": ("齊藤",),
    "渡辺": ("渡邊", "渡邉"),
    "山崎": ("山﨑", "山嵜"),
    "吉田": ("𠮷田",),
    "中島": ("中嶋",),
    "桜井": ("櫻井",),
    "広瀬": ("廣瀬",),
    "沢田": ("澤田",),
    "浜口": ("濱口",),
}
VARIANT_SHARE = 0.35  # of the families whose name has a variant form

# Names common around Yokkaichi that Faker's national top 50 lacks (kanji, reading).
LOCAL_FAMILY_NAMES = (
    ("水谷", "ミズタニ"),
    ("服部", "ハットリ"),
    ("伊藤", "イトウ"),
    ("水野", "ミズノ"),
    ("中西", "ナカニシ"),
    ("川村", "カワムラ"),
    ("桜井", "サクライ"),
    ("広瀬", "ヒロセ"),
    ("沢田", "サワダ"),
    ("浜口", "ハマグチ"),
)
LOCAL_SHARE = 0.15

# Faker's given names are those of people born lately; people born before ~1960 mostly have
# names like these (some in old forms, as their 戸籍 has them).
OLDER_GIVEN_NAMES = {
    Sex.MALE: (
        ("茂", "シゲル"),
        ("清", "キヨシ"),
        ("勇", "イサム"),
        ("博", "ヒロシ"),
        ("正", "タダシ"),
        ("勝", "マサル"),
        ("實", "ミノル"),
        ("進", "ススム"),
        ("武", "タケシ"),
        ("榮一", "エイイチ"),
        ("義男", "ヨシオ"),
        ("一郎", "イチロウ"),
    ),
    Sex.FEMALE: (
        ("和子", "カズコ"),
        ("幸子", "サチコ"),
        ("節子", "セツコ"),
        ("久子", "ヒサコ"),
        ("美代子", "ミヨコ"),
        ("文子", "フミコ"),
        ("静江", "シズエ"),
        ("敏子", "トシコ"),
        ("富子", "トミコ"),
        ("惠子", "ケイコ"),
        ("千代", "チヨ"),
    ),
}

# Foreign residents (Yokkaichi has many Brazilian, Vietnamese, Filipino and Chinese residents):
# family names, given names by sex, as on the residence card, with the katakana staff use.
FOREIGN_NAMES = {
    Language.PT: (
        (
            ("Silva", "シルバ"),
            ("Santos", "サントス"),
            ("Oliveira", "オリベイラ"),
            ("Souza", "ソウザ"),
        ),
        {
            Sex.MALE: (("Lucas", "ルーカス"), ("Rafael", "ハファエル"), ("Pedro", "ペドロ")),
            Sex.FEMALE: (("Ana", "アナ"), ("Mariana", "マリアナ"), ("Julia", "ジュリア")),
        },
    ),
    Language.VI: (
        (("Nguyen", "グエン"), ("Tran", "チャン"), ("Pham", "ファム"), ("Le", "レ")),
        {
            Sex.MALE: (("Van Nam", "ヴァン ナム"), ("Minh Duc", "ミン ドゥック")),
            Sex.FEMALE: (("Thi Lan", "ティ ラン"), ("Thi Hoa", "ティ ホア")),
        },
    ),
    Language.TL: (
        (("Santos", "サントス"), ("Reyes", "レイエス"), ("Cruz", "クルス"), ("Garcia", "ガルシア")),
        {
            Sex.MALE: (("Jose", "ホセ"), ("Mark", "マーク")),
            Sex.FEMALE: (("Maria", "マリア"), ("Angelica", "アンジェリカ"), ("Joy", "ジョイ")),
        },
    ),
    Language.ZH: (
        (("王", "ワン"), ("李", "リー"), ("張", "チャン"), ("劉", "リュウ")),
        {
            Sex.MALE: (("偉", "ウェイ"), ("強", "チャン"), ("磊", "レイ")),
            Sex.FEMALE: (("芳", "ファン"), ("娜", "ナー"), ("静", "ジン")),
        },
    ),
}

# Town names per 地区, for flavour: believed to lie in that 地区 but not checked against the
# city's 町名一覧 (the demo needs plausible addresses, not correct ones). Street numbers are
# invented. Districts of other cities' master data get "<地区名>町".
CITY_PREFIX = "三重県四日市市"
TOWNS = {
    "tomisuhara": ("富州原町", "天カ須賀"),
    "tomida": ("富田", "東富田町", "富田一色町"),
    "hazu": ("羽津町", "羽津中", "羽津山町"),
    "tokiwa": ("鵜の森", "赤堀"),
    "hinaga": ("日永", "日永東", "日永西"),
    "yogo": ("西日野町", "室山町", "笹川"),
    "utsube": ("小古曽", "采女町"),
    "shiohama": ("塩浜町",),
    "oyamada": ("小山町", "山田町"),
    "kawashima": ("川島町", "川島新町"),
    "kanzaki": ("高角町", "寺方町"),
    "sakura": ("桜町", "智積町", "桜台"),
    "mie": ("三重",),
    "agata": ("西坂部町", "東坂部町"),
    "yasato": ("平津町", "下海老町"),
    "shimono": ("下之宮町",),
    "oyachi": ("大矢知町",),
    "kawarada": ("河原田町", "波木町"),
    "suizawa": ("水沢町",),
    "hobo": ("中野町", "西村町"),
    "kaizo": ("東阿倉川", "西阿倉川"),
    "kyohoku": ("末広町", "富士町"),
    "chubu": ("諏訪町", "諏訪栄町", "安島"),
    "kusunoki": ("楠町北五味塚", "楠町南五味塚"),
}

# Which kinds of agency a household of each kind is registered by (agency kind code, weight).
# 福祉総務課 gets the compound cases; a demo account's own agency gets FEATURED_SHARE of its
# kind's households, so every demo login (accounts/demo.py) opens onto a list worth seeing.
AGENCY_KINDS_BY_HOUSEHOLD = {
    "elderly_couple": (("zaitaku-kaigo", 6), ("chiiki-houkatsu", 3), ("fukushi-soumu-ka", 1)),
    "elderly_alone": (("zaitaku-kaigo", 6), ("chiiki-houkatsu", 3), ("fukushi-soumu-ka", 1)),
    "8050": (("zaitaku-kaigo", 4), ("chiiki-houkatsu", 2), ("fukushi-soumu-ka", 4)),
    "single_parent": (("fukushi-soumu-ka", 6), ("itaku-soudan", 4)),
    "young_alone": (("itaku-soudan", 5), ("fukushi-soumu-ka", 5)),
    "midlife_alone": (("itaku-soudan", 4), ("fukushi-soumu-ka", 6)),
    "three_generation": (("zaitaku-kaigo", 5), ("chiiki-houkatsu", 2), ("fukushi-soumu-ka", 3)),
    "family": (("fukushi-soumu-ka", 5), ("itaku-soudan", 5)),
    "foreign": (("fukushi-soumu-ka", 7), ("itaku-soudan", 3)),
}
FEATURED_AGENCIES = ("zaitaku-kaigo-01", "itaku-soudan-01", "fukushi-soumu-ka")
FEATURED_SHARE = 0.4

# Household kinds with weights (share of households). The first len(KINDS) households take
# each kind once, so even a tiny demo (or test) has every kind.
KINDS = (
    ("elderly_couple", 18),
    ("8050", 10),
    ("single_parent", 9),
    ("elderly_alone", 14),
    ("young_alone", 9),
    ("three_generation", 10),
    ("midlife_alone", 7),
    ("family", 10),
    ("foreign", 4),
)


def reading_of(family_name: str) -> str | None:
    """The katakana reading of a demo family name (variant spellings included), if known."""
    return _READINGS.get(family_name)


_FAKER_FAMILY = tuple((k, kana) for k, kana, _roman in JaPersonNames.last_name_pairs)
_READINGS = dict(_FAKER_FAMILY) | dict(LOCAL_FAMILY_NAMES)
_READINGS |= {v: _READINGS[std] for std, variants in VARIANT_SPELLINGS.items() for v in variants}
for _family, _given in FOREIGN_NAMES.values():
    _READINGS |= dict(_family)


@dataclass
class _Member:
    relationship: str
    sex: str
    age: int
    family: tuple[str, str] | None = None  # None: the household's family name
    language: str = Language.JA
    note: str = ""


@dataclass
class _Plan:
    kind: str
    members: list[_Member]
    family: tuple[str, str]
    note: str = ""


class _Generator:
    def __init__(self, *, seed: int, today: date):
        self.rng = random.Random(seed)
        self.fake = Faker("ja_JP")
        self.fake.seed_instance(seed)
        self.today = today

    # --- names --------------------------------------------------------------------------

    def family_name(self, *, force_variant=False) -> tuple[str, str]:
        rng = self.rng
        if force_variant:
            standard = rng.choice(sorted(VARIANT_SPELLINGS))
            return rng.choice(VARIANT_SPELLINGS[standard]), _READINGS[standard]
        if rng.random() < LOCAL_SHARE:
            kanji, kana = rng.choice(LOCAL_FAMILY_NAMES)
        else:
            kanji, kana, _roman = self.fake.last_name_pair()
        if kanji in VARIANT_SPELLINGS and rng.random() < VARIANT_SHARE:
            kanji = rng.choice(VARIANT_SPELLINGS[kanji])
        return kanji, kana

    def given_name(self, *, sex: str, age: int) -> tuple[str, str]:
        if age >= 65 and self.rng.random() < 0.7:
            return self.rng.choice(OLDER_GIVEN_NAMES[sex])
        if sex == Sex.MALE:
            kanji, kana, _roman = self.fake.first_name_male_pair()
        else:
            kanji, kana, _roman = self.fake.first_name_female_pair()
        return kanji, kana

    def foreign_name(self, *, language: str, sex: str) -> tuple[tuple, tuple]:
        families, given = FOREIGN_NAMES[language]
        return self.rng.choice(families), self.rng.choice(given[sex])

    # --- dates, places, numbers ---------------------------------------------------------

    def birth_date(self, age: int) -> date:
        """A birth date giving exactly `age` completed years today."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def address(self, district: District, *, flat: bool) -> str:
        rng = self.rng
        town = rng.choice(TOWNS.get(district.code, (f"{district.name}町",)))
        if town.endswith("町"):
            number = f"{rng.randint(100, 2999)}-{rng.randint(1, 9)}"
        else:
            number = f"{rng.randint(1, 4)}丁目{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        building = (
            f" {rng.choice(('コーポ', 'ハイツ', 'メゾン'))}{rng.choice('ABCDE')} " if flat else ""
        )
        room = f"{rng.randint(1, 4)}0{rng.randint(1, 8)}号室" if flat else ""
        return f"{CITY_PREFIX}{town}{number}{building}{room}".strip()

    def phone(self) -> str:
        # 059-3xx-xxxx: the city's area code with invented numbers.
        return f"059-3{self.rng.randint(10, 99)}-{self.rng.randint(0, 9999):04d}"

    def postal_code(self) -> str:
        return f"{self.rng.choice(('510', '512'))}-{self.rng.randint(0, 9999):04d}"

    # --- households ---------------------------------------------------------------------

    def children(self, *, parent_age: int, count: int, max_age: int) -> list[_Member]:
        """Children born to a parent aged 20–45, no older than `max_age`, eldest first."""
        oldest = max(0, min(max_age, parent_age - 20))
        youngest_possible = max(0, parent_age - 45)
        kids = []
        for _ in range(count):
            age = self.rng.randint(min(youngest_possible, oldest), oldest)
            kids.append(_Member(Relationship.CHILD, self._sex(), age))
        return sorted(kids, key=lambda m: -m.age)

    def _sex(self, female=0.5) -> str:
        return Sex.FEMALE if self.rng.random() < female else Sex.MALE

    def plan(self, kind: str, *, force_variant: bool) -> _Plan:
        rng = self.rng
        family = self.family_name(force_variant=force_variant)
        head, others, note = None, [], ""
        if kind == "elderly_couple":
            age = rng.randint(70, 88)
            head = _Member(Relationship.HEAD, Sex.MALE, age)
            others = [_Member(Relationship.SPOUSE, Sex.FEMALE, max(65, age - rng.randint(-1, 5)))]
        elif kind == "elderly_alone":
            head = _Member(Relationship.HEAD, self._sex(0.75), rng.randint(75, 95))
            note = rng.choice(("近くに親族はいない。", "子は県外に住んでいる。", ""))
        elif kind == "8050":
            # 8050問題: a parent in their 80s supporting a child in their 50s who does not work.
            head = _Member(Relationship.HEAD, self._sex(0.6), rng.randint(80, 89))
            child = _Member(
                Relationship.CHILD,
                self._sex(0.3),
                rng.randint(50, min(59, head.age - 21)),
                note="就労しておらず、ほとんど外出しない。",
            )
            others = [child]
            if rng.random() < 0.25:
                spouse_sex = Sex.FEMALE if head.sex == Sex.MALE else Sex.MALE
                spouse_age = min(89, max(80, head.age + rng.randint(-3, 3)))
                others.insert(0, _Member(Relationship.SPOUSE, spouse_sex, spouse_age))
        elif kind == "single_parent":
            head = _Member(Relationship.HEAD, self._sex(0.85), rng.randint(25, 49))
            others = self.children(parent_age=head.age, count=rng.randint(1, 3), max_age=17)
            note = "ひとり親世帯。"
        elif kind == "young_alone":
            head = _Member(Relationship.HEAD, self._sex(), rng.randint(19, 39))
        elif kind == "midlife_alone":
            head = _Member(Relationship.HEAD, self._sex(), rng.randint(40, 64))
            note = rng.choice(("長く外出していない。", "離職後、収入がない。", ""))
        elif kind == "three_generation":
            head = _Member(Relationship.HEAD, Sex.MALE, rng.randint(38, 55))
            spouse = _Member(Relationship.SPOUSE, Sex.FEMALE, head.age + rng.randint(-5, 2))
            mother_age = min(95, head.age + rng.randint(22, 35))
            others = [spouse, _Member(Relationship.MOTHER, Sex.FEMALE, mother_age)]
            if rng.random() < 0.4:
                father_age = min(97, mother_age + rng.randint(0, 4))
                others.append(_Member(Relationship.FATHER, Sex.MALE, father_age))
            others += self.children(
                parent_age=min(head.age, spouse.age), count=rng.randint(1, 3), max_age=24
            )
        elif kind == "family":
            head = _Member(Relationship.HEAD, Sex.MALE, rng.randint(30, 50))
            spouse = _Member(Relationship.SPOUSE, Sex.FEMALE, head.age + rng.randint(-5, 2))
            others = [
                spouse,
                *self.children(
                    parent_age=min(head.age, spouse.age), count=rng.randint(1, 3), max_age=17
                ),
            ]
        elif kind == "foreign":
            return self.foreign_plan()
        else:
            raise ValueError(kind)
        return _Plan(kind, [head, *others], family, note)

    def foreign_plan(self) -> _Plan:
        rng = self.rng
        variant = rng.choice(("brazilian_family", "mixed", "vietnamese_alone", "chinese_family"))
        if variant == "mixed":
            # A Japanese head, a Filipino spouse who kept her own name, a child with his.
            family = self.family_name()
            head = _Member(Relationship.HEAD, Sex.MALE, rng.randint(40, 60))
            spouse_family, _ = self.foreign_name(language=Language.TL, sex=Sex.FEMALE)
            spouse = _Member(
                Relationship.SPOUSE,
                Sex.FEMALE,
                rng.randint(30, 45),
                family=spouse_family,
                language=Language.TL,
            )
            kids = self.children(parent_age=spouse.age, count=rng.randint(1, 2), max_age=17)
            return _Plan(
                "foreign", [head, spouse, *kids], family, "母は日本語での会話に不安がある。"
            )
        if variant == "vietnamese_alone":
            family, _ = self.foreign_name(language=Language.VI, sex=Sex.MALE)
            head = _Member(
                Relationship.HEAD, self._sex(), rng.randint(20, 32), language=Language.VI
            )
            return _Plan("foreign", [head], family, "技能実習を終え、転職先を探している。")
        language = Language.PT if variant == "brazilian_family" else Language.ZH
        family, _ = self.foreign_name(language=language, sex=Sex.MALE)
        head = _Member(Relationship.HEAD, Sex.MALE, rng.randint(30, 50), language=language)
        spouse = _Member(
            Relationship.SPOUSE, Sex.FEMALE, head.age + rng.randint(-5, 2), language=language
        )
        kids = self.children(parent_age=spouse.age, count=rng.randint(1, 2), max_age=17)
        for kid in kids:
            kid.language = language
        return _Plan("foreign", [head, spouse, *kids], family, "")

    def person_names(self, member: _Member, family: tuple[str, str]):
        if member.language != Language.JA:
            _, given = self.foreign_name(language=member.language, sex=member.sex)
        else:
            given = self.given_name(sex=member.sex, age=member.age)
        return member.family or family, given

    def uuid(self) -> uuid.UUID:
        # Seeded, so the same demo has the same URLs on every machine.
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 2月29日 in a common year
        return day.replace(year=day.year - years, day=28)


def _agency_picker(rng: random.Random, agencies):
    if agencies is not None:
        chosen = list(agencies)
        if not chosen:
            raise ValueError("agencies is empty")
        return lambda kind: rng.choice(chosen)
    by_kind: dict[str, list[Agency]] = {}
    for agency in Agency.objects.filter(active=True).select_related("kind").order_by("code"):
        by_kind.setdefault(agency.kind.code, []).append(agency)
    missing = {k for pool in AGENCY_KINDS_BY_HOUSEHOLD.values() for k, _ in pool} - set(by_kind)
    if missing:
        raise ValueError(f"master data has no agencies of kind {sorted(missing)}")

    def pick(kind: str) -> Agency:
        pool = AGENCY_KINDS_BY_HOUSEHOLD[kind]
        agency_kind = rng.choices([k for k, _ in pool], weights=[w for _, w in pool])[0]
        sites = by_kind[agency_kind]
        featured = [a for a in sites if a.code in FEATURED_AGENCIES]
        if featured and rng.random() < FEATURED_SHARE:
            return featured[0]
        return rng.choice(sites)

    return pick


def population_exists() -> bool:
    """Whether a demo population has been generated (its records carry DEMO_MARK)."""
    return Person.objects.filter(notes__startswith=DEMO_MARK).exists()


@transaction.atomic
def generate_population(*, households: int, seed: int, agencies=None) -> dict:
    """Create `households` fictional households and their members; returns counts.

    `agencies`: register everything with these agencies (chosen at random); by default the
    households spread over home-care centres, 地域包括支援センター, 委託相談支援事業所 and
    福祉総務課 by kind. Needs the master data (districts and agencies) loaded. Always adds:
    callers that want idempotence check `population_exists()` first.
    """
    today = timezone.localdate()
    now = timezone.now()
    gen = _Generator(seed=seed, today=today)
    rng = gen.rng
    districts = list(District.objects.filter(active=True).order_by("code"))
    if not districts:
        raise ValueError("master data has no districts; run load_master first")
    pick_agency = _agency_picker(rng, agencies)
    kind_names = [k for k, _ in KINDS]
    kind_weights = [w for _, w in KINDS]

    people, homes, memberships = [], [], []
    kinds: Counter = Counter()
    languages: Counter = Counter()
    for index in range(households):
        kind = kind_names[index] if index < len(KINDS) else rng.choices(kind_names, kind_weights)[0]
        # Every 20th family is spelled in a variant form, so even a small demo can show it.
        plan = gen.plan(kind, force_variant=index % 20 == 0)
        agency = pick_agency(kind)
        district = rng.choice(districts)
        flat = len(plan.members) == 1 and plan.members[0].age < 65
        address = gen.address(district, flat=flat)
        postal_code = gen.postal_code()
        phone = gen.phone()
        created_at = now - timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
        home = Household(
            id=gen.uuid(),
            name=f"{plan.family[0]}さん世帯",
            postal_code=postal_code,
            address=address,
            district=district,
            notes=_note(plan.note),
            agency=agency,
            created_at=created_at,
            updated_at=created_at,
        )
        homes.append(home)
        kinds[kind] += 1
        for order, member in enumerate(plan.members, start=1):
            family, given = gen.person_names(member, plan.family)
            is_head = member.relationship == Relationship.HEAD
            person = Person(
                id=gen.uuid(),
                family_name=family[0],
                given_name=given[0],
                family_name_kana=family[1],
                given_name_kana=given[1],
                birth_date=gen.birth_date(member.age),
                sex=member.sex,
                postal_code=postal_code,
                address=address,
                district=district,
                # Heads have the landline; an adult living elsewhere in the house may not.
                phone=phone if is_head or rng.random() < 0.3 else "",
                preferred_language=member.language,
                notes=_note(member.note),
                agency=agency,
                created_at=created_at,
                updated_at=created_at,
            )
            person.refresh_search_keys()
            people.append(person)
            languages[member.language] += 1
            memberships.append(
                HouseholdMember(
                    household=home,
                    person=person,
                    relationship=member.relationship,
                    order=order,
                )
            )
    # Demo data: bulk inserts without history rows (nothing here was ever "changed").
    Person.objects.bulk_create(people, batch_size=2000)
    Household.objects.bulk_create(homes, batch_size=2000)
    HouseholdMember.objects.bulk_create(memberships, batch_size=2000)
    return {
        "households": len(homes),
        "people": len(people),
        "memberships": len(memberships),
        "kinds": dict(kinds),
        "languages": dict(languages),
    }


def _note(text: str) -> str:
    return f"{DEMO_MARK}{text}"
