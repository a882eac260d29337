"""Generate a province-scale set of rolls with planted anomalies, decoys and the truth.

    .venv/bin/python -m bench.crosscheck.generate OUT_DIR [--scale 1.0] [--seed 7]

Scale 1.0: 1,000,000 recipient rows, ~2,000,000 household members, 200,000 payroll, 100,000 deaths,
300,000 vehicles (plus 50,000 businesses, 50,000 properties, 20,000 cadre rows, ~23,000 残疾人证). The background is
clean by construction (payroll, deaths, vehicles... belong to people outside recipient households);
anomalies are planted and written to truth.csv as (rule, recipient ID, how: exact|fuzzy). Decoys that
must NOT be flagged: agricultural vehicles and homes in recipient households, deaths after the last
payment, the same person in two programmes in one month, a cadre's relative in another village,
namesakes of payroll staff in other villages.

Children are paid the school grant of their age (营养餐, 普通高中国家助学金, 大学新生入学资助), so the
grant table's age ranges hold for them. Registry-side typos (how: registry) are planted with a
random stream of their own, so every other row and plant is the same as without them: a payroll,
vehicle, business or property row of a recipient household, or a death record of a recipient,
whose ID is mistyped outside the birth date (the name as on the roll or in traditional
characters); their decoys are payroll rows holding a mistyped ID of a household member under
another person's name. A third of those plants are mistyped inside the birth date instead (how:
birth), with decoys of their own (another name, or a homophone, under a birth-date typo).
Disability grants (`_disability`, a stream of its own, rows beyond the recipient target) are paid
with or without the 残疾人证, its grade, or the 低保 household the grant table requires.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

from classifiers.idnumber import check_character

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志文斌辉宇浩鹏飞云龙海波林燕春花德福贵山水"
TRAD = {"张": "張", "刘": "劉", "陈": "陳", "杨": "楊", "黄": "黃", "赵": "趙", "吴": "吳", "国": "國", "华": "華",
        "兰": "蘭", "红": "紅", "建": "建", "伟": "偉", "丽": "麗", "军": "軍", "艳": "艷", "涛": "濤", "龙": "龍"}
PROGRAMMES = ("农村低保", "耕地地力保护补贴", "危房改造补助", "医疗救助")
EDU = "普通高中国家助学金"
SCHOOL = {2005: "大学新生入学资助", **{y: EDU for y in range(2006, 2011)}, **{y: "义务教育营养改善计划补助" for y in range(2011, 2017)}}
REGISTRY_RATE = 0.01  # households with a registry-side typo planted (and as many decoys)


class Gen:
    def __init__(self, scale: float, seed: int):
        self.r = random.Random(seed)
        self.scale = scale
        self.used: set[str] = set()

    def n(self, full: int) -> int:
        return max(1, int(full * self.scale))

    def pid(self, born: dt.date) -> str:
        while True:
            first17 = f"51{self.r.randint(1, 39):02d}{self.r.randint(1, 30):02d}{born:%Y%m%d}{self.r.randint(0, 999):03d}"
            number = first17 + check_character(first17)
            if number not in self.used:
                self.used.add(number)
                return number

    def name(self) -> str:
        return self.r.choice(SURNAMES) + "".join(self.r.choice(GIVEN) for _ in range(self.r.choice((1, 2, 2))))

    def born(self, lo: int, hi: int) -> dt.date:
        return dt.date(self.r.randint(lo, hi), self.r.randint(1, 12), self.r.randint(1, 28))


def _writer(out: Path, name: str, header: list[str], encoding: str = "utf-8"):
    handle = open(out / name, "w", encoding=encoding, newline="")
    w = csv.writer(handle)
    w.writerow(header)
    return handle, w


def typo(number: str, r: random.Random) -> str:
    i = r.randint(6, 16)
    return number[:i] + str((int(number[i]) + r.randint(1, 9)) % 10) + number[i + 1:]


def typo_outside_birth(number: str, r: random.Random) -> str:
    """One digit changed in the region or sequence digits: the birth date still reads right."""
    i = r.choice((2, 3, 4, 5, 14, 15, 16))
    return number[:i] + str((int(number[i]) + r.randint(1, 9)) % 10) + number[i + 1:]


def typo_in_birth(number: str, r: random.Random) -> str:
    """One digit of the birth date changed (the date may no longer be a date at all)."""
    i = r.randint(6, 13)
    return number[:i] + str((int(number[i]) + r.randint(1, 9)) % 10) + number[i + 1:]


HOMOPHONES = {"张": "章", "王": "汪", "李": "理", "刘": "柳", "陈": "晨", "杨": "阳", "黄": "皇", "赵": "照",
              "吴": "武", "周": "舟", "徐": "许", "孙": "荪", "马": "玛", "朱": "珠", "胡": "湖", "郭": "锅"}


def generate(out: Path, scale: float = 1.0, seed: int = 7) -> dict:
    g = Gen(scale, seed)
    r = g.r
    r2 = random.Random(seed * 7919 + 1)  # registry-side typos: a stream of their own
    r3 = random.Random(seed * 7919 + 2)  # which of them are inside the birth date, and their decoys
    r4 = random.Random(seed * 7919 + 3)  # disability grants and their certificates
    out.mkdir(parents=True, exist_ok=True)
    towns = [f"第{t}镇" for t in range(g.n(2000) // 10 + 2)]
    truth: list[tuple[str, str, str]] = []
    hh_f, hh = _writer(out, "households.csv", ["户编号", "姓名", "身份证号", "与户主关系", "乡镇", "村"])
    rec_f, rec = _writer(out, "recipients.csv", ["姓名", "身份证号", "项目", "金额", "发放日期", "户编号",
                                                 "户主身份证号", "乡镇", "村"])
    pay_f, pay = _writer(out, "payroll.csv", ["姓名", "身份证号", "单位", "岗位"])
    dth_f, dth = _writer(out, "deaths.csv", ["姓名", "身份证号", "死亡日期"])
    veh_f, veh = _writer(out, "vehicles.csv", ["所有人", "身份证号", "号牌号码", "车辆类型"])
    bus_f, bus = _writer(out, "businesses.csv", ["经营者", "身份证号", "名称"])
    pro_f, pro = _writer(out, "property.csv", ["权利人", "身份证号", "坐落", "用途"])
    cad_f, cad = _writer(out, "cadres.csv", ["姓名", "身份证号", "职务", "村", "亲属姓名", "亲属身份证号", "关系"])
    dis_f, dis = _writer(out, "disability.csv", ["姓名", "身份证号", "残疾证号", "残疾类别", "残疾等级"])
    counts = dict.fromkeys(("households", "recipients", "payroll", "deaths", "vehicles", "businesses",
                            "property", "cadres", "disability"), 0)
    target_members, target_recipients = g.n(2_000_000), g.n(1_000_000)
    members = recipients = hno = 0
    while members < target_members or recipients < target_recipients:
        hno += 1
        town = r.choice(towns)
        village = f"{town}{r.randint(1, 10)}村"
        head = (g.name(), g.pid(g.born(1950, 1985)))
        people = [(head[0], head[1], "户主", 1970)]
        for k in range(r.choice((0, 1, 1, 2, 2, 3))):
            born = g.born(2005, 2016) if k else g.born(1950, 1985)
            people.append((g.name(), g.pid(born), "子女" if k else "配偶", born.year))
        for name, number, rel, _y in people:
            hh.writerow([f"H{hno:08d}", name, number, rel, town, village])
        members += len(people)
        counts["households"] += len(people)
        rows = []
        if recipients < target_recipients:
            for name, number, rel, year in people:
                if r.random() < 0.6:
                    prog = SCHOOL[year] if rel == "子女" else r.choice(PROGRAMMES)
                    rows.append([name, number, prog, r.choice(("1,000元", "300", "1500.00")), "2026-03-01"])
            if rows and r.random() < 0.05:  # decoy: the head in a second programme in the same month
                have = {row[2] for row in rows if row[1] == head[1]}
                extra = next(p for p in PROGRAMMES if p not in have)
                rows.append([head[0], head[1], extra, "200", "2026-03-05"])
        kind = r.random()
        if rows and kind < 0.02:  # plant: a household member on the payroll
            member = r.choice(people)
            pay.writerow([member[0], member[1], "县第一中学", "教师"])
            counts["payroll"] += 1
            truth += [("payroll_household", row[1], "exact") for row in rows]
        elif rows and kind < 0.03:
            member = r.choice(people)
            veh.writerow([member[0], member[1], f"川A{r.randint(10000, 99999)}", "小型轿车"])
            counts["vehicles"] += 1
            truth += [("vehicle_owner", row[1], "exact") for row in rows]
        elif rows and kind < 0.035:
            member = r.choice(people)
            bus.writerow([member[0], member[1], f"{village}{member[0]}商店"])
            counts["businesses"] += 1
            truth += [("business_owner", row[1], "exact") for row in rows]
        elif rows and kind < 0.04:
            member = r.choice(people)
            pro.writerow([member[0], member[1], f"{town}商业街{r.randint(1, 999)}号", "商业"])
            counts["property"] += 1
            truth += [("property_owner", row[1], "exact") for row in rows]
        elif rows and kind < 0.05:  # decoys in a recipient household: farm vehicle, a home
            member = r.choice(people)
            veh.writerow([member[0], member[1], f"川A{r.randint(10000, 99999)}", "拖拉机"])
            pro.writerow([member[0], member[1], f"{village}1组", "住宅"])
            counts["vehicles"] += 1
            counts["property"] += 1
        for row in rows:
            name, number = row[0], row[1]
            plant = r.random()
            written_id = number
            if plant < 0.004:  # paid after death
                dth.writerow([name, number, "2025-12-01"])
                counts["deaths"] += 1
                truth.append(("deceased_recipient", number, "exact"))
            elif plant < 0.005:  # paid after death, ID mistyped on the roll
                dth.writerow([name, number, "2025-12-01"])
                counts["deaths"] += 1
                written_id = typo(number, r)
                truth.append(("deceased_recipient", number, "fuzzy"))
            elif plant < 0.007:  # decoy: died after the payment
                dth.writerow([name, number, "2026-05-01"])
                counts["deaths"] += 1
            elif plant < 0.009:  # paid twice in one month
                rec.writerow([name, number, row[2], row[3], "2026-03-15", f"H{hno:08d}", head[1], town, village])
                recipients += 1
                counts["recipients"] += 1
                truth.append(("duplicate_payment", number, "exact"))
            elif plant < 0.010:  # in two townships
                other = r.choice(towns)
                if other != town:
                    rec.writerow([name, number, row[2], row[3], "2026-04-01", "", "", other, f"{other}1村"])
                    recipients += 1
                    counts["recipients"] += 1
                    truth.append(("duplicate_payment", number, "exact"))
            elif plant < 0.011 and row[2] in SCHOOL.values():  # cadre relative, by ID
                cad.writerow([g.name(), g.pid(g.born(1960, 1975)), "村主任", village, name, number, "侄子"])
                counts["cadres"] += 1
                truth.append(("cadre_relative", number, "exact"))
            elif plant < 0.012:  # cadre relative by name only, in traditional characters
                trad = "".join(TRAD.get(c, c) for c in name)
                cad.writerow([g.name(), g.pid(g.born(1960, 1975)), "村支书", village, trad, "", "外甥"])
                counts["cadres"] += 1
                truth.append(("cadre_relative", number, "fuzzy"))
            elif plant < 0.013:  # decoy: a relative of a cadre of another village
                cad.writerow([g.name(), g.pid(g.born(1960, 1975)), "村主任", f"{town}99村", name, number, "表亲"])
                counts["cadres"] += 1
            rec.writerow([name, written_id, row[2], row[3], row[4], f"H{hno:08d}", head[1], town, village])
            recipients += 1
            counts["recipients"] += 1
        later = []  # recipients of this household written below: in the truth of a registry plant too
        if rows and kind >= 0.05 and r.random() < 0.004:  # an education grant far past school age
            rec.writerow([head[0], head[1], EDU, "1000", "2026-03-01", f"H{hno:08d}", head[1], town, village])
            recipients += 1
            counts["recipients"] += 1
            truth.append(("age_ineligible", head[1], "exact"))
            later.append([head[0], head[1], EDU])
        if rows and kind >= 0.05:
            counts_added = _registry_typo(r2, r3, rows, people, town, village, truth, pay, veh, bus, pro, dth, later)
            for name, added in counts_added.items():
                counts[name] += added
            if not counts_added:  # (not counted in `recipients`: the households stay as they were)
                for name, added in _disability(r4, rows, people, hno, head, town, village, truth, rec, dis).items():
                    counts[name] += added
    # Background: registries of people outside every recipient household (clean by construction).
    fill = {"payroll": (g.n(200_000), pay, lambda n, i: [n, i, "县直机关", "科员"]),
            "deaths": (g.n(100_000), dth, lambda n, i: [n, i, "2024-06-01"]),
            "vehicles": (g.n(300_000), veh, lambda n, i: [n, i, f"川B{r.randint(10000, 99999)}", "小型轿车"]),
            "businesses": (g.n(50_000), bus, lambda n, i: [n, i, f"{n}商贸有限公司"]),
            "property": (g.n(50_000), pro, lambda n, i: [n, i, "县城商业街", "商业"]),
            "cadres": (g.n(20_000), cad, lambda n, i: [n, i, "村委委员", "无此村", "", "", ""])}
    fill["disability"] = (g.n(20_000), dis, lambda n, i: [n, i, f"{i}{r.randint(1, 7)}{r.randint(1, 4)}", "肢体",
                                                          r.choice(("一级", "二级", "三级", "四级"))])
    for kind, (target, w, make) in fill.items():
        while counts[kind] < target:
            w.writerow(make(g.name(), g.pid(g.born(1940, 1995))))
            counts[kind] += 1
    for handle in (hh_f, rec_f, pay_f, dth_f, veh_f, bus_f, pro_f, cad_f, dis_f):
        handle.close()
    with open(out / "truth.csv", "w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["rule", "id_number", "how"])
        w.writerows(sorted(set(truth)))
    return counts


def _registry_typo(r2: random.Random, r3: random.Random, rows: list, people: list, town: str, village: str,
                   truth: list, pay, veh, bus, pro, dth, later: list) -> dict[str, int]:
    """Maybe plant a registry row of this household under a mistyped ID (or a decoy).

    A third of the plants are mistyped inside the birth date instead (how: birth; drawn from `r3`,
    so `r2` and every plant it makes stay as they were), and as many birth-date decoys are planted
    on the household's own `r3` draw: a member's ID mistyped inside the birth date under another
    person's name, or under a homophone of the member's name (pinyin is not enough there)."""
    draw, birth = r2.random(), r3.random()
    if draw >= 2 * REGISTRY_RATE:
        if birth < REGISTRY_RATE / 3:  # birth-date decoys (县第三中学), never flagged
            member = r3.choice(people)
            sounds = HOMOPHONES.get(member[0][0])
            other = sounds + member[0][1:] if sounds and r3.random() < 0.5 else r3.choice(SURNAMES[:20]) + "某某"
            pay.writerow([other, typo_in_birth(member[1], r3), "县第三中学", "教师"])
            return {"payroll": 1}
        return {}
    if draw >= REGISTRY_RATE:  # decoy: a member's mistyped ID under someone else's name, not flagged
        member = r2.choice(people)
        other = r2.choice(SURNAMES[:20]) + r2.choice(GIVEN) + "某"
        pay.writerow([other, typo_outside_birth(member[1], r2), "县第二中学", "教师"])
        return {"payroll": 1}
    kind = r2.choice(("payroll", "vehicles", "businesses", "property", "deaths"))
    member = r2.choice([(row[0], row[1]) for row in rows] if kind == "deaths" else [(p[0], p[1]) for p in people])
    name = "".join(TRAD.get(c, c) for c in member[0]) if r2.random() < 0.3 else member[0]
    number = typo_outside_birth(member[1], r2)
    how = "registry"
    if birth < 1 / 3:
        number, how = typo_in_birth(member[1], r3), "birth"
    if kind == "deaths":
        dth.writerow([name, number, "2025-12-01"])
        truth.extend(("deceased_recipient", row[1], how) for row in rows if row[1] == member[1])
        return {"deaths": 1}
    writer, cells, rule = {"payroll": (pay, ["县第一中学", "教师"], "payroll_household"),
                           "vehicles": (veh, [f"川C{r2.randint(10000, 99999)}", "小型轿车"], "vehicle_owner"),
                           "businesses": (bus, [f"{village}{member[0]}商行"], "business_owner"),
                           "property": (pro, [f"{town}商业街{r2.randint(1, 999)}号", "商业"], "property_owner")}[kind]
    writer.writerow([name, number, *cells])
    truth.extend((rule, row[1], how) for row in rows + later)
    return {kind: 1}


DISABILITY_RATE = 0.01  # households where a member is paid a disability grant
DISABILITY_GRANTS = ("残疾人两项补贴", "重度残疾人护理补贴", "困难残疾人生活补贴")


def _disability(r4: random.Random, rows: list, people: list, hno: int, head: tuple, town: str, village: str,
                truth: list, rec, dis) -> dict[str, int]:
    """Maybe pay a member of this (otherwise unplanted) household a disability grant, with or
    without what the grant table says it requires (how: exact, rule grant_condition):
    两项补贴 a 残疾人证; 重度残疾人护理补贴 one of grade 一 or 二; 困难残疾人生活补贴 a 残疾人证 and
    the household on the 低保 roll. Decoys: the certificate under an ID mistyped outside the birth
    date with the same name (found by the registry-side matching), a 生活补贴 in a 低保 household."""
    if r4.random() >= DISABILITY_RATE:
        return {}
    name, number, _relation, _year = r4.choice(people)
    grant = r4.choice(DISABILITY_GRANTS)
    on_dibao = any(row[2] == "农村低保" for row in rows)
    planted = r4.random() < 0.3
    grade = r4.choice(("一级", "二级")) if grant == "重度残疾人护理补贴" else r4.choice(("一级", "二级", "三级", "四级"))
    certificate = True
    if planted and grant == "重度残疾人护理补贴" and r4.random() < 0.7:
        grade = r4.choice(("三级", "四级"))
    elif planted:
        certificate = False
    rec.writerow([name, number, grant, "200", "2026-03-01", f"H{hno:08d}", head[1], town, village])
    if planted or (grant == "困难残疾人生活补贴" and not on_dibao):
        truth.append(("grant_condition", number, "exact"))
    if not certificate:
        return {"recipients": 1}
    typed = typo_outside_birth(number, r4) if r4.random() < 0.2 else number
    dis.writerow([name, typed, f"{number}{r4.randint(1, 7)}{'一二三四'.index(grade[0]) + 1}", "肢体", grade])
    return {"recipients": 1, "disability": 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.out, args.scale, args.seed))


if __name__ == "__main__":
    main()
