"""The kinds of roll, their columns (Chinese headers and common synonyms), and header detection."""
from __future__ import annotations

import re
from dataclasses import dataclass

from hotline.crosscheck.readers import ReadError


@dataclass(frozen=True)
class Column:
    field: str  # attribute on the row table
    label: str  # the canonical Chinese header
    required: bool = False
    synonyms: tuple[str, ...] = ()
    kind: str = "text"  # text | id | name | amount | date


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


NAME_SYNONYMS = ("姓名", "名字", "人员姓名", "对象姓名", "享受人姓名", "领取人姓名", "收款人姓名", "救助对象姓名")
ID_SYNONYMS = ("身份证号", "身份证号码", "公民身份号码", "公民身份证号", "居民身份证号码", "身份证", "证件号码",
               "证件号", "身份号码")
TOWNSHIP = Column("township", "乡镇", synonyms=("乡镇街道", "乡镇(街道)", "乡(镇)", "所属乡镇", "乡镇名称", "镇"))
VILLAGE = Column("village", "村", synonyms=("村(社区)", "行政村", "村社区", "所属村", "村名", "村委会", "村居"))


def _name(label: str = "姓名", extra: tuple[str, ...] = ()) -> Column:
    return Column("name", label, True, NAME_SYNONYMS + extra, "name")


def _id(label: str = "身份证号", extra: tuple[str, ...] = ()) -> Column:
    return Column("id_number", label, True, ID_SYNONYMS + extra, "id")


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("recipients", "补助发放名册", (
        _name(extra=("学生姓名", "补助对象")), _id(),
        Column("grant_name", "项目", True, ("项目名称", "补助项目", "补贴项目", "资金项目", "发放项目", "救助类别",
                                           "补助类别", "补贴类别", "资助项目"), "text"),
        Column("amount", "金额", True, ("发放金额", "补助金额", "补贴金额", "实发金额", "金额(元)", "发放金额(元)",
                                        "补助金额(元)", "资助金额"), "amount"),
        Column("paid_on", "发放日期", False, ("发放时间", "拨付日期", "发放年月", "日期"), "date"),
        Column("household_no", "户编号", False, ("户号", "家庭编号", "户籍编号", "家庭户号")),
        Column("head_id", "户主身份证号", False, ("户主身份证号码", "户主证件号码", "户主公民身份号码"), "id"),
        TOWNSHIP, VILLAGE)),
    Kind("households", "户籍家庭成员", (
        Column("household_no", "户编号", True, ("户号", "家庭编号", "户籍编号", "家庭户号")),
        _name(extra=("成员姓名",)), _id(),
        Column("relation", "与户主关系", False, ("关系", "家庭关系", "与户主的关系")),
        TOWNSHIP, VILLAGE)),
    Kind("payroll", "财政供养人员", (
        _name(), _id(),
        Column("unit", "单位", True, ("工作单位", "单位名称", "所在单位", "供职单位")),
        Column("post", "岗位", False, ("职务", "职位", "岗位名称", "人员类别")))),
    Kind("deaths", "死亡火化记录", (
        _name(extra=("死者姓名", "逝者姓名")), _id(),
        Column("death_date", "死亡日期", True, ("死亡时间", "火化日期", "注销日期"), "date"))),
    Kind("vehicles", "车辆登记", (
        _name("所有人", ("车主", "机动车所有人", "车主姓名")), _id(),
        Column("plate", "号牌号码", True, ("车牌号", "车牌号码", "号牌", "车牌")),
        Column("vehicle_type", "车辆类型", False, ("车型", "车辆种类")))),
    Kind("businesses", "工商登记", (
        _name("经营者", ("法定代表人", "负责人", "投资人", "经营者姓名")), _id(),
        Column("business_name", "名称", True, ("企业名称", "字号名称", "个体户名称", "市场主体名称", "商户名称")))),
    Kind("property", "不动产登记", (
        _name("权利人", ("产权人", "所有权人", "权利人姓名")), _id(),
        Column("location", "坐落", True, ("房屋坐落", "不动产坐落", "地址", "坐落位置")),
        Column("usage", "用途", False, ("房屋用途", "规划用途", "实际用途")))),
    Kind("cadres", "村干部及亲属", (
        _name(extra=("干部姓名",)), _id(),
        Column("title", "职务", True, ("村职务", "担任职务", "现任职务")),
        VILLAGE,
        Column("relative_name", "亲属姓名", False, ("近亲属姓名",), "name"),
        Column("relative_id", "亲属身份证号", False, ("亲属身份证号码", "亲属证件号码", "近亲属身份证号"), "id"),
        Column("relation", "关系", False, ("亲属关系", "与干部关系", "与本人关系")))),
    Kind("disability", "残疾人证登记", (
        _name(extra=("持证人", "持证人姓名", "残疾人姓名")), _id(),
        Column("cert_no", "残疾证号", False, ("残疾人证号", "残疾证号码", "残疾人证号码", "证号")),
        Column("category", "残疾类别", False, ("残疾类型", "类别")),
        Column("grade", "残疾等级", False, ("等级", "残疾级别")))),
)}

_HEADER_JUNK = re.compile(r"[\s\*＊:：]+")
_PAREN = str.maketrans({"（": "(", "）": ")"})
HEADER_SCAN_ROWS = 15


def header_key(value: object) -> str:
    """'户主 身份证号码*' → '户主身份证号码'; full-width brackets made ASCII."""
    return _HEADER_JUNK.sub("", str(value or "")).translate(_PAREN)


def _lookup(kind: Kind) -> dict[str, Column]:
    table = {}
    for column in kind.columns:
        for name in (column.label, *column.synonyms):
            table.setdefault(header_key(name), column)
    return table


@dataclass
class HeaderMatch:
    row_no: int
    positions: dict[str, int]  # field -> 0-based cell index
    found: list[str]  # headers as they appear, in order

    def labels(self, kind: Kind) -> dict[str, str]:
        """{canonical label: header as written}, for the preview."""
        by_field = {c.field: c for c in kind.columns}
        return {by_field[f].label: str(self.found[i]) for f, i in self.positions.items()}


def match_header(kind: Kind, cells: list, row_no: int) -> HeaderMatch:
    lookup = _lookup(kind)
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = lookup.get(header_key(cell))
        if column is not None and column.field not in positions:
            positions[column.field] = index
    found = ["" if c is None else str(c).strip() for c in cells]
    return HeaderMatch(row_no, positions, found)


def find_header(kind: Kind, first_rows: list[tuple[int, list]], *, grant_given: bool = False) -> HeaderMatch:
    """The header row among the first rows (title rows above it are skipped).

    Raises ReadError naming the missing and the found columns, and the kind the file looks like
    if it is a roll of another kind.
    """
    best: HeaderMatch | None = None
    for row_no, cells in first_rows[:HEADER_SCAN_ROWS]:
        match = match_header(kind, cells, row_no)
        if best is None or len(match.positions) > len(best.positions):
            best = match
    if best is None:
        raise ReadError("文件中没有任何数据行")
    missing = [c.label for c in kind.required
               if c.field not in best.positions and not (c.field == "grant_name" and grant_given)]
    if not missing:
        return best
    found = [h for h in best.found if h]
    message = (f"表头缺少必需的列：{'、'.join(missing)}（第{best.row_no}行找到的列：{'、'.join(found) or '无'}）。"
               f"“{kind.label}”需要：{'、'.join(c.label for c in kind.required)}")
    other = guess_kind(first_rows, exclude=kind.code)
    if other is not None:
        message += f"。这个文件看起来是“{other.label}”，请选择正确的名册类型"
    raise ReadError(message)


def guess_kind(first_rows: list[tuple[int, list]], *, exclude: str = "") -> Kind | None:
    """The kind whose required columns all appear in one of the first rows (most columns wins)."""
    best, best_count = None, 0
    for kind in KINDS.values():
        if kind.code == exclude:
            continue
        for row_no, cells in first_rows[:HEADER_SCAN_ROWS]:
            match = match_header(kind, cells, row_no)
            if all(c.field in match.positions for c in kind.required) and len(match.positions) > best_count:
                best, best_count = kind, len(match.positions)
    return best
