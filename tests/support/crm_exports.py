"""Sample CRM exports in the shapes real ones have (column names, date and amount forms, blanks).

* :func:`salesforce_csv` — a Salesforce opportunity report: "Opportunity ID", "Opportunity Name",
  "Account Name", "Stage", "Amount" ("$12,000.50"), "Close Date" (12/31/2025), "Created Date",
  "Opportunity Owner"; UTF-8 with a byte-order mark (what Excel's "CSV UTF-8" writes).
* :func:`hubspot_xlsx` — a HubSpot deals export: "Record ID", "Deal Name", "Deal Stage",
  "Amount" (numbers), "Close Date" (Excel serials), "Create Date" (2025-06-01), "Deal owner",
  "Associated Company"; one blank row inside.
* :func:`chinese_crm_csv` — a 纷享销客/销售易-style export in GBK: 商机编号, 商机名称, 客户名称,
  销售阶段 (赢单/输单/需求确定…), 预计成交日期 (2025年12月31日), 商机金额 (￥12,000 / 1.2万),
  负责人, 创建时间.

Each returns the path and the rows as plain Python values (the truth the tests compute on).
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

SF_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review",
             "Closed Won", "Closed Lost"]
HS_STAGES = ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Contract Sent",
             "Closed Won", "Closed Lost"]
CN_STAGES = ["初步接洽", "需求确定", "方案/报价", "谈判审核", "赢单", "输单"]
# the xltrack stage each export value stands for (independent of the importer's own tables)
KIND = {"Closed Won": "won", "Closed Lost": "lost", "赢单": "won", "输单": "lost"}
STAGE_KEY = {"Prospecting": "lead", "Qualification": "discovery", "Needs Analysis": "discovery",
             "Proposal/Price Quote": "proposal", "Negotiation/Review": "negotiation", "Closed Won": "won",
             "Closed Lost": "lost", "Appointment Scheduled": "lead", "Qualified To Buy": "discovery",
             "Presentation Scheduled": "proposal", "Contract Sent": "negotiation", "初步接洽": "lead",
             "需求确定": "discovery", "方案/报价": "proposal", "谈判审核": "negotiation", "赢单": "won", "输单": "lost"}
OWNERS = ["Jane Doe", "Wang Lei", "Carlos Ruiz", "Amy Chen"]
CN_OWNERS = ["张伟", "李娜", "王芳"]


def _deals(n: int, seed: int, stages: list[str], owners: list[str], as_of: dt.date) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        created = as_of - dt.timedelta(days=rng.randint(30, 400))
        close = created + dt.timedelta(days=rng.randint(5, 200))
        if close > as_of and rng.random() < 0.5:
            close = as_of - dt.timedelta(days=rng.randint(1, 20))
        stage = rng.choice(stages)
        if KIND.get(stage) and close > as_of:   # a closed deal closed in the past
            close = as_of - dt.timedelta(days=rng.randint(1, 25))
            created = min(created, close - dt.timedelta(days=3))
        amount = None if rng.random() < 0.08 else round(rng.uniform(1_000, 900_000), 2)
        out.append({"id": f"D{seed}{i:05d}", "name": f"Deal {i}", "account": f"Account {rng.randint(1, n // 2 + 1)}",
                    "stage": stage, "amount": amount, "close": close, "created": created,
                    "owner": rng.choice(owners)})
    return out


def _money(x: float | None, style: int) -> str:
    if x is None:
        return ""
    return [f"${x:,.2f}", f"{x:.2f}", f"USD {x:,.2f}"][style % 3]


def salesforce_csv(folder: Path, *, n: int = 80, seed: int = 1, as_of: dt.date) -> tuple[Path, list[dict]]:
    deals = _deals(n, seed, SF_STAGES, OWNERS, as_of)
    path = folder / "salesforce-opportunities.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Amount", "Close Date",
                    "Created Date", "Opportunity ID", "Lead Source"])
        for i, d in enumerate(deals):
            created = d["created"].isoformat() if i % 2 else d["created"].strftime("%m/%d/%Y")
            w.writerow([d["owner"], d["account"], d["name"], d["stage"], _money(d["amount"], i),
                        d["close"].strftime("%m/%d/%Y"), created, d["id"], "Web"])
    return path, deals


def hubspot_xlsx(folder: Path, *, n: int = 40, seed: int = 2, as_of: dt.date) -> tuple[Path, list[dict]]:
    import xlsxwriter

    deals = _deals(n, seed, HS_STAGES, OWNERS, as_of)
    path = folder / "hubspot-deals.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("All deals")
    ws.write_row(0, 0, ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date",
                        "Deal owner", "Associated Company", "Pipeline"])
    r = 1
    for i, d in enumerate(deals):
        if i == 5:
            r += 1                           # a blank row inside the export
        serial = (d["close"] - dt.date(1899, 12, 30)).days
        ws.write_row(r, 0, [d["id"], d["name"], d["stage"]])
        if d["amount"] is not None:
            ws.write_number(r, 3, d["amount"])
        ws.write_number(r, 4, serial)        # a date as an Excel serial, unformatted
        ws.write_row(r, 5, [d["created"].isoformat(), d["owner"], d["account"], "Sales Pipeline"])
        r += 1
    wb.close()
    return path, deals


def chinese_crm_csv(folder: Path, *, n: int = 30, seed: int = 3, as_of: dt.date) -> tuple[Path, list[dict]]:
    deals = _deals(n, seed, CN_STAGES, CN_OWNERS, as_of)
    path = folder / "商机导出.csv"
    with open(path, "w", encoding="gbk", newline="") as f:
        w = csv.writer(f)
        w.writerow(["商机编号", "商机名称", "客户名称", "销售阶段", "商机金额", "预计成交日期", "负责人", "创建时间"])
        for i, d in enumerate(deals):
            amt = d["amount"]
            text = "" if amt is None else (f"￥{amt:,.2f}" if i % 2 else f"{amt / 10000:.6f}万")
            if amt is not None and i % 2 == 0:
                d["amount"] = round(amt / 10000, 6) * 10000
            w.writerow([d["id"], f"商机{i}", f"客户{d['account'][8:]}", d["stage"], text,
                        f"{d['close'].year}年{d['close'].month}月{d['close'].day}日", d["owner"],
                        d["created"].isoformat()])
    return path, deals
