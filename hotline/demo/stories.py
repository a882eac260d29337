"""What the demo's cases say as they move: notes, reasons and outcomes (data only)."""
from __future__ import annotations

# The classic report the cross-check was built for: a teacher household's son on the grant roll.
# Logged 16 days before the demo's "now", in 双龙镇安乐村; the rolls (hotline.demo.rolls) hold the
# family, so the case page shows the grant and the parents' payroll rows.
TEACHER_LETTER = (
    "letter", "双龙镇", "安乐村",
    "尊敬的县纪委领导：我是双龙镇安乐村村民，实名反映本村村民张国华、李红梅夫妻二人均为县第二中学在编教师，"
    "家里条件很好，他们的儿子学生张浩然却连续两年领取普通高中国家助学金，每学期一千元。听说家庭经济困难证明是"
    "村主任刘德明给开的，请组织调查。")
# Later callers about the same family: merged into the letter's case (并单).
TEACHER_REPEATS = [
    ("call", "来电人反映双龙镇安乐村张国华两口子都是县二中的老师，儿子张浩然还在领高中助学金，"
             "村主任刘德明给开的困难证明，之前有人反映过，问怎么还没处理。"),
    ("sms", "安乐村张国华夫妻都是县二中教师 儿子张浩然领助学金 村主任刘德明开的证明 请纪委查一下"),
]

ASSIGN_NOTES = ["", "请按期提出处置意见", "重点核实资金发放情况", "涉及群众切身利益，请尽快核实"]

SEND_BACK_REASON = "反映对象为乡镇干部，按分办规则应由联系该乡镇的监督检查室办理"
REASSIGN_REASON = "经核，被反映人系乡镇干部，改派联系该乡镇的监督检查室办理"
DISPATCH_REASON = "线索未载明属地，按反映领域改派"

PROPOSALS = {
    "talk_inquiry": "反映问题较为具体但情节较轻，拟对被反映人谈话函询，要求其如实说明情况",
    "preliminary_verification": "反映问题具体、可查性强，涉及扶贫资金发放，拟初步核实",
    "shelved": "反映问题笼统，暂不具备核查条件，拟暂存待查，待有新线索时再行核实",
    "dismissed": "经查阅相关资料，所反映问题已由乡镇在日常工作中查实整改，拟予以了结",
}
REJECT_REASON = "处置意见依据不足，请补充调取发放台账后重新提出"
FILE_REASON = "初步核实发现被反映人涉嫌违规套取扶贫资金，需要追究党纪责任，报请立案审查调查"
RESUME_REASON = "收到新的举报材料，恢复初步核实"
EXTEND_REASON = "涉及多个年度发放台账，需调取银行流水，申请延期"
SUPERVISE_REASON = "涉及扶贫资金数额较大、群众反映强烈，县纪委监委挂牌督办"
PROGRESS = ["已调取近三年发放台账和银行代发明细，正在逐户比对", "已与相关村组干部谈话，制作谈话笔录",
            "已走访核实相关农户，取得证人证言", "核查工作已基本完成，正在起草核查报告"]

# Outcomes, in the order the cases of each pool take them:
# (finding, [(measure kind, grade, whom: None = the accused, else a role)], money recovered, name cleared
# (澄清正名, for 不实/部分属实), 容错免责 decision, condition key (hotline/cases/tolerance.py), note).
# The light pool settles 谈话函询 without a finding (了结): first-form measures only, no money.
OUTCOMES = {
    "light": [  # talk or letter of inquiry (谈话函询), settled
        (None, [("inquiry", None, None)], "", False, "", "",
         "被反映人对函询所涉问题作出书面说明，经核对相关材料，说明属实，予以采信，函询了结"),
        (None, [("criticism", None, None)], "", False, "", "",
         "被反映人说明了情况，存在工作方法简单、政策宣传不到位问题，对其批评教育后了结"),
        (None, [], "", False, "", "", "被反映人如实说明了情况，经核对无误，予以采信了结"),
        (None, [("reminder_talk", None, None)], "", False, "", "",
         "多收取的费用已全部退还群众，对其谈话提醒后了结"),
        (None, [("admonishing_talk", None, None)], "", False, "", "",
         "被反映人说明存在未按规定公示问题，对其诫勉谈话后了结"),
    ],
    "full": [  # preliminary verification (初步核实)
        ("partly_true", [("criticism", None, None)], "3600", True, "", "",
         "部分属实：存在审核把关不严问题，未发现谋取私利，已责令退还违规发放资金；反映其收受好处费不属实"),
        ("true", [("party_sanction", "serious_warning", None), ("admonishing_talk", None, "村会计")], "28500", False,
         "", "", "属实：被反映人利用职务便利截留补助资金，给予党内严重警告处分，资金已全部追缴"),
        ("unfounded", [], "", True, "", "", "经核查，所反映问题不属实，已在村民代表会议上为被反映人澄清正名"),
        ("partly_true", [("organisational", "post_adjustment", None)], "", False, "reduced", "seed-4",
         "部分属实：产业项目经村民代表大会集体决策、程序规范，因上级政策调整造成损失，依规减轻责任，调整其工作岗位"),
        ("true", [("government_sanction", "demerit", None), ("organisational", "removal", "村文书")], "12000", False,
         "", "", "属实：违规将不符合条件的亲属纳入低保，给予政务记过处分，参与造假的村文书被免职，违规资金已追缴"),
        ("true", [("accountability", "admonition", "镇分管领导"), ("work_talk", None, None)], "", False, "", "",
         "属实：低保动态管理流于形式，对镇分管领导问责诫勉，对村党支部书记工作约谈"),
        ("partly_true", [], "5000", False, "exonerated", "seed-2",
         "部分属实：因工作失误造成重复发放，无谋私行为，发现后主动追回全部资金，依规容错免责"),
        ("true", [("party_sanction", "warning", None), ("government_sanction", "warning", None)], "6800", False,
         "refused", "seed-1", "属实：违规为亲属出具贫困证明，给予党内警告和政务警告处分，其容错免责申请不予采纳"),
        ("partly_true", [("admonishing_talk", None, None)], "2400", False, "", "",
         "部分属实：未按规定公示评议结果，违规资金已退还，对其诫勉谈话"),
        ("true", [("organisational", "circulated_criticism", None), ("organisational", "ordered_review", "村会计")],
         "", False, "", "", "属实：公益岗位人员考勤造假，对村党支部书记通报批评，责令村会计作出书面检查"),
        ("unfounded", [], "", True, "", "", "经核查，所反映问题不属实，已向被反映人所在村通报核查结果，为其澄清正名"),
        ("true", [("organisational", "suspension", None)], "9000", False, "", "",
         "属实：虚报务工补贴，对其停职检查，违规资金已追缴"),
    ],
    "serious": [  # formal cases (立案审查调查)
        ("true", [("party_sanction", "party_expulsion", None), ("prosecution", None, None)], "86000", False, "", "",
         "属实：涉嫌贪污扶贫资金，给予开除党籍处分，涉嫌犯罪问题移送检察机关依法审查起诉"),
        ("true", [("party_sanction", "removal_from_party_post", None), ("organisational", "ordered_resignation", "村委会主任")],
         "41200", False, "", "", "属实：虚报冒领危房改造补助，给予撤销党内职务处分，责令村委会主任辞职，资金已全部追缴"),
        ("true", [("government_sanction", "demotion", None)], "15600", False, "", "",
         "属实：违规套取产业扶贫资金，给予政务降级处分，资金已追缴"),
        ("true", [("party_sanction", "party_probation", None), ("government_sanction", "dismissal", None),
                  ("accountability", "disciplinary", None)], "52000", False, "", "",
         "属实：对项目资金监管严重失职，给予留党察看、撤职处分，并以纪律处分方式问责"),
        ("true", [("government_sanction", "major_demerit", None), ("organisational", "downgrade", "村会计"),
                  ("government_sanction", "discharge", "村出纳"), ("accountability", "org_adjustment", "镇分管领导"),
                  ("accountability", "circulated_criticism", "镇民政办主任")], "33000", False, "", "",
         "属实：截留易地搬迁补助，给予记大过处分，村会计降职，村出纳开除，对镇分管领导和民政办主任问责"),
    ],
}
FEEDBACK_NOTES = ["已电话告知举报人核查结论，举报人表示知晓", "已电话反馈办理结果并解释相关政策",
                  "电话反馈办理结果，举报人对处理结果表示认可"]
VISIT = [("satisfied", "回访时举报人表示满意"), ("satisfied", "举报人表示问题得到解决"),
         ("basically_satisfied", "举报人基本满意，希望加强日常监督"), ("satisfied", "举报人表示满意")]
UNSATISFIED = ("unsatisfied", "举报人对核查结论不满意，认为还有其他问题未查清")
REOPEN_REASON = "举报人回访不满意并提供了新的情况，重新办理"
CLOSE_NOTE = "已按规定反馈、回访，材料齐全，提请办结"

# Names given to accused persons the note leaves unnamed (某某 style, as operators write them).
ACCUSED_FALLBACK = ["王某", "李某某", "刘某", "陈某", "张某", "杨某某"]
