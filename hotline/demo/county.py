"""The fictional 青溪县: its townships, villages, offices and demo accounts (data only)."""
from __future__ import annotations

TOWNSHIPS = [
    # (name, code suffix, village stems): each stem becomes a village or community.
    ("城关镇", "001", ["东街社区", "西街社区", "南门社区", "北岸社区", "河滨社区", "新城社区",
                    "五里村", "七里村", "龙潭村", "白鹤村", "窑湾村", "花园村"]),
    ("石桥镇", "002", ["石桥村", "红旗村", "下湾村", "黄泥村", "杨柳村", "大坪村",
                    "梨树村", "枫林村", "竹园村", "茶园村", "关帝村", "沙坝村"]),
    ("柳河乡", "003", ["柳河村", "柏树村", "桂花村", "水井村", "回龙村", "上坝村",
                    "凉水村", "岩口村", "青龙村", "白果村", "狮子村", "鹤鸣村"]),
    ("双龙镇", "004", ["双龙村", "安乐村", "兴隆村", "双河村", "庙坝村", "观音村",
                    "天池村", "金鸡村", "马家村", "李家村", "王家沟村", "张家湾村"]),
    ("白岩乡", "005", ["白岩村", "陈家坝村", "刘家山村", "何家岭村", "罗家坪村", "周家院村",
                    "唐家河村", "彭家湾村", "谭家村", "邓家沟村", "余家坪村", "胡家岩村"]),
    ("高坪镇", "006", ["高坪村", "新华村", "太平村", "永和村", "长岭村", "光明村",
                    "胜利村", "团结村", "前进村", "和平村", "幸福村", "红星村"]),
    ("马鞍乡", "007", ["马鞍村", "松林村", "桃花村", "杏树村", "核桃村", "板栗村",
                    "油坊村", "磨盘村", "石龙村", "铁炉村", "瓦窑村", "盐井村"]),
    ("青山镇", "008", ["青山村", "碧水村", "云雾村", "高峰村", "峡口村", "平安村",
                    "福寿村", "长春村", "万福村", "金山村", "银河村", "玉泉村"]),
    ("河口镇", "009", ["河口村", "渡口村", "码头村", "沙洲村", "滩头村", "三岔村",
                    "大河村", "小河村", "中坝村", "新桥村", "老街村", "鱼洞村"]),
    ("龙泉乡", "010", ["龙泉村", "龙井村", "凤凰村", "麒麟村", "仙女村", "龙门村",
                    "朝阳村", "向阳村", "东升村", "旭光村", "黎明村", "红岩村"]),
    ("三合镇", "011", ["三合村", "四方村", "五星村", "六合村", "七星村", "八角村",
                    "九龙村", "十字村", "百花村", "千丘村", "万家村", "合兴村"]),
    ("桃源乡", "012", ["桃源村", "李园村", "杏林村", "梅岭村", "兰溪村", "竹溪村",
                    "菊花村", "荷叶村", "芙蓉村", "牡丹村", "石榴村", "樱桃村"]),
    ("金竹乡", "013", ["金竹村", "银杏村", "铜鼓村", "铁山村", "锡坪村", "玉屏村",
                    "翠屏村", "青杠村", "黄桷村", "苦竹村", "楠木村", "紫荆村"]),
]

COUNTY_CODE = "511234"  # a fictional county division code prefix
# The external id of the teacher's letter: the story the demo's past plays out (loader writes it, past finds it).
TEACHER_ID = "demo-teacher"

# (name, kind, department, township names in its jurisdiction)
OFFICES = [
    ("青溪县纪委监委", "commission", None, []),
    ("案件监督管理室", "case_management", None, []),
    ("信访举报受理中心", "hotline", None, []),
    ("第一监督检查室", "supervision_office", None, ["城关镇", "石桥镇", "柳河乡", "双龙镇"]),
    ("第二监督检查室", "supervision_office", None, ["白岩乡", "高坪镇", "马鞍乡", "青山镇", "河口镇"]),
    ("第三监督检查室", "supervision_office", None, ["龙泉乡", "三合镇", "桃源乡", "金竹乡"]),
    ("派驻县教育局纪检监察组", "resident_group", "县教育局", []),
    ("派驻县民政局纪检监察组", "resident_group", "县民政局", []),
    ("派驻县住建局纪检监察组", "resident_group", "县住房和城乡建设局", []),
    ("派驻县农业农村局纪检监察组", "resident_group", "县农业农村局", []),
] + [(f"{name}纪委", "township_commission", None, [name]) for name, _code, _v in TOWNSHIPS]

# (username, full name, role, office, password) — exist only when the demo is loaded.
DEMO_USERS = [
    ("operator", "陈晓梅", "operator", "信访举报受理中心", "demo-operator-965888"),
    ("operator2", "赵磊", "operator", "信访举报受理中心", "demo-operator2-965888"),
    ("inspector", "周建国", "inspector", "石桥镇纪委", "demo-inspector-965888"),
    ("inspector2", "吴芳", "inspector", "第一监督检查室", "demo-inspector2-965888"),
    ("inspector3", "郑海涛", "inspector", "派驻县教育局纪检监察组", "demo-inspector3-965888"),
    ("supervisor", "孙立平", "supervisor", "青溪县纪委监委", "demo-supervisor-965888"),
    ("supervisor2", "何静", "supervisor", "第一监督检查室", "demo-supervisor2-965888"),
    ("admin", "钱伟", "admin", None, "demo-admin-965888"),
    ("auditor", "冯敏", "auditor", None, "demo-auditor-965888"),
    ("custodian", "林秀英", "custodian", "案件监督管理室", "demo-custodian-965888"),
]

# Used when the labelled corpus is not present: notes as operators type them.
FALLBACK_NOTES = [
    ("call", "来电人反映石桥镇红旗村村支书王某把他亲戚家报成低保户，那家人在县城有门面房还有小车，真正困难的李某某家却没评上。"),
    ("sms", "举报柳河乡水井村会计刘某 代领了我们组十几户的粮补 钱一直没发到户 已经两年了"),
    ("call", "嗯，那个，我想反映一下，我们村危房改造的钱，说是补了三万五，到我手上只有两万，村主任说剩下的是“管理费”。"),
    ("letter", "尊敬的县纪委领导：我是双龙镇安乐村村民，本村张某某夫妻均为县第二中学在编教师，其子却连续两年领取高中国家助学金，据说贫困证明是村委会出具的，请组织调查。"),
    ("web", "高坪镇扶贫车间建好后一直没开工，挂牌拍照应付检查，去年的产业扶贫资金80万不知道花到哪里去了。"),
    ("call", "来电人称其母亲去年已去世，但村里的低保名单上还有她的名字，钱每月照发，不知道被谁领走了。"),
    ("sms", "河口镇公益岗位护林员好几个人从来没上过班 工资照拿 都是村干部家里人"),
    ("call", "反映马鞍乡卫生院报销大病救助时要先交五百块“手续费”才给办，不交就拖着。"),
    ("web", "青山镇易地扶贫搬迁安置房分配不公开，镇扶贫办主任的小舅子分到了两套。"),
    ("call", "我就是问一下，今年低保怎么申请，要准备什么材料？"),
]

# The demo routing table, in order (first match wins). Conditions: township, problem_type, program,
# accused_level, min_amount_yuan, min_repeat_count. Lead: ("office", name), ("kind", office kind:
# the first office of that kind) or ("jurisdiction", office kind covering the complaint's township).
ROUTING_RULES = [
    ("涉及金额10万元以上由县纪委监委直接办理", {"min_amount_yuan": "100000"}, ("kind", "commission")),
    ("重复举报3次以上由县纪委监委办理", {"min_repeat_count": 3}, ("kind", "commission")),
    ("反映教师或学校的转派驻教育局纪检监察组", {"accused_level": "teacher_school"},
     ("office", "派驻县教育局纪检监察组")),
    ("教育资助领域转派驻教育局纪检监察组", {"program": "education"}, ("office", "派驻县教育局纪检监察组")),
    ("县直部门·低保特困转派驻民政局纪检监察组", {"accused_level": "county_department", "program": "dibao"},
     ("office", "派驻县民政局纪检监察组")),
    ("县直部门·危房改造转派驻住建局纪检监察组", {"accused_level": "county_department", "program": "housing"},
     ("office", "派驻县住建局纪检监察组")),
    ("县直部门·惠农补贴转派驻农业农村局纪检监察组",
     {"accused_level": "county_department", "program": "agri_subsidy"}, ("office", "派驻县农业农村局纪检监察组")),
    ("县直部门·产业扶贫转派驻农业农村局纪检监察组",
     {"accused_level": "county_department", "program": "industry"}, ("office", "派驻县农业农村局纪检监察组")),
    ("反映乡镇干部的转联系该乡镇的监督检查室", {"accused_level": "township_cadre"},
     ("jurisdiction", "supervision_office")),
    ("反映村干部的转属地乡镇纪委", {"accused_level": "village_cadre"}, ("jurisdiction", "township_commission")),
    ("其他有属地的线索转属地乡镇纪委", {}, ("jurisdiction", "township_commission")),
]

# Admin-entered calendar days past chinese-calendar's last year (2027, as the demo guesses it
# before the State Council publishes it): (date, workday, name).
DEMO_CALENDAR_DAYS = [
    ("2027-01-01", False, "元旦"),
    ("2027-02-05", False, "春节"), ("2027-02-06", False, "春节"), ("2027-02-07", False, "春节"),
    ("2027-02-08", False, "春节"), ("2027-02-09", False, "春节"), ("2027-02-10", False, "春节"),
    ("2027-02-11", False, "春节"), ("2027-02-20", True, "春节调休上班"),
]

# Inspectors of the other offices, so that every office's cases move (a first call from 青山镇 goes
# to 青山镇纪委): background staff sharing one demo password, printed with their offices by `run` in
# demo mode. One per office without a demo inspector, in OFFICES order.
DEMO_STAFF_PASSWORD = "demo-staff-965888"
STAFF_NAMES = ["黄志勇", "杨丽娟", "刘建军", "罗小燕", "邓国庆", "唐文斌", "谢春燕", "韩德明", "曹玉兰", "许志华",
               "彭伟", "蒋红梅", "蔡永强", "贾秀珍", "丁海波", "魏建平", "薛丽萍", "叶光明", "阎凤英", "余卫东",
               "潘晓东", "杜美华", "戴文军", "夏桂芳"]
STAFF_OFFICE_KINDS = ("commission", "supervision_office", "resident_group", "township_commission")
