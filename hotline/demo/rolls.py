"""Small subsidy rolls and registries for the demo villages, with a handful of planted anomalies.

Generated deterministically (seeded), written as CSV exports and imported through the real
importer; then the rules run, an inspector confirms the teacher-household finding and attaches it
to the letter about that family, one finding is dismissed, and one becomes a clue.

Planted: the 安乐村 teacher household (张国华, 李红梅 on the payroll; their son 张浩然 on the
high-school grant roll); a 低保 recipient paid after her death; a 低保 household owning a car (and
a decoy household owning a tractor); a cadre's brother on the 低保 roll; a 低保 payment made twice
in one month; an education grant paid to a 45-year-old.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from hotline.demo.county import COUNTY_CODE, TOWNSHIPS
from models.rolls import RollImport
from models.users import Actor

FILE_PREFIX = "青溪县演示-"
ROLL_TOWNSHIPS = ("双龙镇", "石桥镇", "柳河乡", "高坪镇", "马鞍乡")
HOUSEHOLDS_PER_VILLAGE = 5
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林"
GIVEN = ["建国", "秀英", "桂兰", "志明", "玉兰", "德福", "春花", "国强", "淑芬", "永华", "小军", "丽萍", "海燕",
         "文杰", "明亮", "子涵", "雨欣", "俊杰", "思琪", "宇航"]
HEADERS = {
    "recipients": ["姓名", "身份证号", "项目", "金额", "发放日期", "户编号", "户主身份证号", "乡镇", "村"],
    "households": ["户编号", "姓名", "身份证号", "与户主关系", "乡镇", "村"],
    "payroll": ["姓名", "身份证号", "单位", "岗位"],
    "deaths": ["姓名", "身份证号", "死亡日期"],
    "vehicles": ["所有人", "身份证号", "号牌号码", "车辆类型"],
    "cadres": ["姓名", "身份证号", "职务", "村", "亲属姓名", "亲属身份证号", "关系"],
}
TITLES = {"recipients": "2026年度扶贫补助资金发放名册", "households": "户籍家庭成员信息",
          "payroll": "财政供养人员花名册", "deaths": "死亡火化人员信息", "vehicles": "机动车登记信息",
          "cadres": "村（社区）干部及近亲属登记表"}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _month_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 10)


def id_number(birth: dt.date, seq: int, male: bool) -> str:
    """A valid 18-digit resident ID (GB 11643) for the demo county."""
    seq = seq % 500 * 2 + (1 if male else 0)
    body = f"{COUNTY_CODE}{birth:%Y%m%d}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS)) % 11]


class Rolls:
    """The generated rows of every kind, and the planted people the demo points at."""

    def __init__(self, today: dt.date, seed: int = 965888):
        self.today, self.rng, self._seq = today, random.Random(seed), 0
        self.rows: dict[str, list[list]] = {kind: [] for kind in HEADERS}
        self.months = [_month_before(today, k) for k in range(6, 0, -1)]  # the 10th of the last six months
        self._generate()

    def _person(self, age: int, male: bool, surname: str | None = None, name: str | None = None) -> tuple[str, str]:
        self._seq += 1
        birth = self.today.replace(year=self.today.year - age, month=1, day=1) + dt.timedelta(
            days=self.rng.randint(0, 360))
        full = name or (surname or self.rng.choice(SURNAMES)) + self.rng.choice(GIVEN)
        return full, id_number(birth, self._seq, male)

    def _household(self, township: str, village: str, number: str, members: list[tuple[str, str, str]]) -> None:
        for name, pid, relation in members:
            self.rows["households"].append([number, name, pid, relation, township, village])

    def _pay(self, person: tuple[str, str], programme: str, amount: str, when: dt.date, household: str,
             head: str, township: str, village: str) -> None:
        self.rows["recipients"].append([person[0], person[1], programme, amount, when.isoformat(), household, head,
                                        township, village])

    def _generate(self) -> None:
        rng = self.rng
        county = {name: stems for name, _code, stems in TOWNSHIPS}
        for township in ROLL_TOWNSHIPS:
            for v_no, village in enumerate(county[township][:6]):
                for h in range(HOUSEHOLDS_PER_VILLAGE):
                    number = f"{township[:2]}{v_no:02d}{h:03d}"
                    surname = rng.choice(SURNAMES)
                    head = self._person(rng.randint(38, 70), True, surname)
                    spouse = self._person(rng.randint(35, 68), False)
                    child = self._person(rng.randint(8, 17), rng.random() < 0.5, surname)
                    self._household(township, village, number,
                                    [(*head, "户主"), (*spouse, "配偶"), (*child, "子女")])
                    if h % 2 == 0:
                        for month in self.months:
                            self._pay(head, "城乡居民最低生活保障金", "680", month, number, head[1], township, village)
                    if child and h % 3 == 0:
                        self._pay(child, "义务教育家庭经济困难学生生活补助", "625", self.months[-3], number, head[1],
                                  township, village)
                    if h % 4 == 1:
                        self._pay(head, "农村危房改造补助", "35000", self.months[1], number, head[1], township, village)
                    self._pay(head, "耕地地力保护补贴", f"{rng.randint(3, 12) * 105}", self.months[2], number, head[1],
                              township, village)
        for i in range(24):  # public payroll, nobody on the rolls
            person = self._person(rng.randint(25, 58), i % 2 == 0)
            self.rows["payroll"].append([*person, rng.choice(["县第一中学", "县人民医院", "县财政局", "城关镇人民政府"]),
                                         rng.choice(["教师", "医生", "科员", "专技人员"])])
        for i in range(8):  # deaths of people on no roll
            person = self._person(rng.randint(70, 92), i % 2 == 0)
            self.rows["deaths"].append([*person, (self.today - dt.timedelta(days=rng.randint(30, 400))).isoformat()])
        for i in range(12):  # cars of people on no roll
            person = self._person(rng.randint(25, 60), True)
            self.rows["vehicles"].append([*person, f"川X{rng.randint(10000, 99999)}", "小型普通客车"])
        self._plant()

    def _plant(self) -> None:
        # 1. The teacher household of 双龙镇安乐村 and the son's high-school grant.
        father = self._person(44, True, name="张国华")
        mother = self._person(42, False, name="李红梅")
        son = self._person(17, True, name="张浩然")
        self.teacher = {"father": father, "mother": mother, "son": son}
        self._household("双龙镇", "安乐村", "双龙90001", [(*father, "户主"), (*mother, "配偶"), (*son, "子女")])
        for month in (self.months[0], self.months[-2]):
            self._pay(son, "普通高中国家助学金", "1000", month, "双龙90001", father[1], "双龙镇", "安乐村")
        for parent in (father, mother):
            self.rows["payroll"].append([*parent, "县第二中学", "教师"])
        # 2. A 低保 recipient paid after her death.
        widow = self._person(81, False, name="周桂英")
        self._household("石桥镇", "红旗村", "石桥90002", [(*widow, "户主")])
        for month in self.months:
            self._pay(widow, "城乡居民最低生活保障金", "680", month, "石桥90002", widow[1], "石桥镇", "红旗村")
        self.rows["deaths"].append([*widow, self.months[1].replace(day=3).isoformat()])
        self.deceased = widow
        # 3. A 低保 household with a car, and a decoy with a tractor.
        owner = self._person(52, True, name="刘德海")
        self._household("柳河乡", "水井村", "柳河90003", [(*owner, "户主")])
        self._pay(owner, "城乡居民最低生活保障金", "680", self.months[-1], "柳河90003", owner[1], "柳河乡", "水井村")
        self.rows["vehicles"].append([*owner, "川X8A626", "小型轿车"])
        farmer = self._person(57, True, name="陈德贵")
        self._household("柳河乡", "水井村", "柳河90004", [(*farmer, "户主")])
        self._pay(farmer, "城乡居民最低生活保障金", "680", self.months[-1], "柳河90004", farmer[1], "柳河乡", "水井村")
        self.rows["vehicles"].append([*farmer, "川X12345拖", "手扶拖拉机"])
        self.car_owner = owner
        # 4. A village cadre's brother on the 低保 roll.
        cadre = self._person(49, True, name="王文斌")
        brother = self._person(46, True, name="王文军")
        self._household("高坪镇", "新华村", "高坪90005", [(*brother, "户主")])
        self._pay(brother, "城乡居民最低生活保障金", "680", self.months[-1], "高坪90005", brother[1], "高坪镇", "新华村")
        self.rows["cadres"].append([*cadre, "村党支部书记", "新华村", brother[0], brother[1], "兄弟"])
        for village in ("太平村", "永和村", "长岭村"):
            other = self._person(50, True)
            self.rows["cadres"].append([*other, "村委会主任", village, "", "", ""])
        # 5. Paid twice in one month; 6. an education grant paid to a 45-year-old.
        twice = self._person(63, False, name="何秀珍")
        self._household("马鞍乡", "松林村", "马鞍90006", [(*twice, "户主")])
        for _ in range(2):
            self._pay(twice, "城乡居民最低生活保障金", "680", self.months[-1], "马鞍90006", twice[1], "马鞍乡", "松林村")
        grown = self._person(45, True, name="罗志强")
        self._household("马鞍乡", "桃花村", "马鞍90007", [(*grown, "户主")])
        self._pay(grown, "雨露计划补助", "1500", self.months[-2], "马鞍90007", grown[1], "马鞍乡", "桃花村")

    def write(self, folder: Path) -> list[tuple[str, Path]]:
        """One CSV export per kind (UTF-8 with BOM, a title row above the header, as exported)."""
        files = []
        for kind, header in HEADERS.items():
            path = folder / f"{FILE_PREFIX}{TITLES[kind]}.csv"
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([f"青溪县{TITLES[kind]}"])
                writer.writerow(header)
                writer.writerows(self.rows[kind])
            files.append((kind, path))
        return files


def already_imported(session: Session) -> bool:
    return session.exec(select(RollImport.id).where(RollImport.filename.startswith(FILE_PREFIX))).first() is not None


def import_all(session: Session, rolls: Rolls, *, actor: Actor) -> int:
    """Import every generated roll through the real importer; returns the rows imported."""
    from hotline.crosscheck import importer

    total = 0
    with tempfile.TemporaryDirectory(prefix="hotline-demo-") as folder:
        for kind, path in rolls.write(Path(folder)):
            report = importer.process(path, kind=kind, filename=path.name, session=session, actor=actor)
            total += report.rows_imported
    return total
