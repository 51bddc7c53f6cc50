#!/usr/bin/env python3
"""Writes the 二次医療圏 (secondary medical region) tables of data/regions/.

Run once, by hand, when the national membership is republished; the TOML
files it writes are then authored facts like any other file in data/ (edit
them, review them, commit them). It is not run by the build or the tests.

    scripts/gen-region-tables.py ../shared/data/regions/national_secondary_medical_regions.csv

Input: a table of municipality → 二次医療圏 with the columns
`prefecture_code, region_code, region_name, municipality_code,
municipality_name`, one row per municipality (wards of the 政令指定都市
included), such as the one derived from 国土数値情報 医療圏データ A38-20
(A38b_001 membership, A38b_003 codes, A38b_004 names) described in
../shared/data/SOURCES.md. For each prefecture it writes
data/regions/NN_<name>.toml in the format of renkei_core::region::RegionTable:
the prefecture, its designated cities with their wards, and its regions with
their municipalities (each commented with its name).

What the script adds to the input, all stated in each file's header:
- the 20 designated cities (政令指定都市) and their city codes (DESIGNATED
  below); their wards are the input's municipalities named 「<city><ward>」;
- 浜松市's wards since 2024-01-01 (中央区 22138, 浜名区 22139, 天竜区 22140,
  全国地方公共団体コード as published by 総務省), in 2208 西部 like the wards
  they replaced, which are kept for data of earlier editions (N03-2021);
- English prefecture names (renkei's transliteration).

Prefectures whose file already exists are left alone unless --force is given
(data/regions/14_kanagawa.toml is authored from the prefecture's own sources).
"""

import argparse
import collections
import csv
import pathlib

# (code, name_ja, name_en, file stem) of the 47 prefectures, JIS X 0401 order.
PREFECTURES = [
    ("01", "北海道", "Hokkaido", "hokkaido"), ("02", "青森県", "Aomori", "aomori"),
    ("03", "岩手県", "Iwate", "iwate"), ("04", "宮城県", "Miyagi", "miyagi"),
    ("05", "秋田県", "Akita", "akita"), ("06", "山形県", "Yamagata", "yamagata"),
    ("07", "福島県", "Fukushima", "fukushima"), ("08", "茨城県", "Ibaraki", "ibaraki"),
    ("09", "栃木県", "Tochigi", "tochigi"), ("10", "群馬県", "Gunma", "gunma"),
    ("11", "埼玉県", "Saitama", "saitama"), ("12", "千葉県", "Chiba", "chiba"),
    ("13", "東京都", "Tokyo", "tokyo"), ("14", "神奈川県", "Kanagawa", "kanagawa"),
    ("15", "新潟県", "Niigata", "niigata"), ("16", "富山県", "Toyama", "toyama"),
    ("17", "石川県", "Ishikawa", "ishikawa"), ("18", "福井県", "Fukui", "fukui"),
    ("19", "山梨県", "Yamanashi", "yamanashi"), ("20", "長野県", "Nagano", "nagano"),
    ("21", "岐阜県", "Gifu", "gifu"), ("22", "静岡県", "Shizuoka", "shizuoka"),
    ("23", "愛知県", "Aichi", "aichi"), ("24", "三重県", "Mie", "mie"),
    ("25", "滋賀県", "Shiga", "shiga"), ("26", "京都府", "Kyoto", "kyoto"),
    ("27", "大阪府", "Osaka", "osaka"), ("28", "兵庫県", "Hyogo", "hyogo"),
    ("29", "奈良県", "Nara", "nara"), ("30", "和歌山県", "Wakayama", "wakayama"),
    ("31", "鳥取県", "Tottori", "tottori"), ("32", "島根県", "Shimane", "shimane"),
    ("33", "岡山県", "Okayama", "okayama"), ("34", "広島県", "Hiroshima", "hiroshima"),
    ("35", "山口県", "Yamaguchi", "yamaguchi"), ("36", "徳島県", "Tokushima", "tokushima"),
    ("37", "香川県", "Kagawa", "kagawa"), ("38", "愛媛県", "Ehime", "ehime"),
    ("39", "高知県", "Kochi", "kochi"), ("40", "福岡県", "Fukuoka", "fukuoka"),
    ("41", "佐賀県", "Saga", "saga"), ("42", "長崎県", "Nagasaki", "nagasaki"),
    ("43", "熊本県", "Kumamoto", "kumamoto"), ("44", "大分県", "Oita", "oita"),
    ("45", "宮崎県", "Miyazaki", "miyazaki"), ("46", "鹿児島県", "Kagoshima", "kagoshima"),
    ("47", "沖縄県", "Okinawa", "okinawa"),
]

# The 20 designated cities (政令指定都市) with their city codes.
DESIGNATED = [
    ("01100", "札幌市"), ("04100", "仙台市"), ("11100", "さいたま市"), ("12100", "千葉市"),
    ("14100", "横浜市"), ("14130", "川崎市"), ("14150", "相模原市"), ("15100", "新潟市"),
    ("22100", "静岡市"), ("22130", "浜松市"), ("23100", "名古屋市"), ("26100", "京都市"),
    ("27100", "大阪市"), ("27140", "堺市"), ("28100", "神戸市"), ("33100", "岡山市"),
    ("34100", "広島市"), ("40100", "北九州市"), ("40130", "福岡市"), ("43100", "熊本市"),
]

# 浜松市's wards since 2024-01-01, with their 6-digit 全国地方公共団体コード.
HAMAMATSU_2024 = [("22138", "221384", "浜松市中央区"), ("22139", "221392", "浜松市浜名区"),
                  ("22140", "221406", "浜松市天竜区")]
HAMAMATSU_REGION = "2208"

HEADER = """\
# {name_ja}の二次医療圏 (secondary medical regions of {name_en} Prefecture)
#
# Authored facts in the format of renkei_core::region::RegionTable (see
# data/regions/14_kanagawa.toml), written by scripts/gen-region-tables.py and
# checked against the national membership table by the test
# issue_22_every_municipality_resolves_to_its_region (crates/ingest).
#
# Sources
# - Regions, codes, names and membership: 「国土数値情報（医療圏データ）」（国土交通省）を
#   加工して作成 — A38-20 (令和2年度), fields A38b_001 (構成市区町村), A38b_003
#   (二次医療圏コード), A38b_004 (二次医療圏名); CC BY 4.0. As of the 第8次医療計画
#   (2024–, 330 regions nationally): 三重県 keeps its 4 二次医療圏, 秋田県's 8
#   regions of the 7th plan are merged into its 3 of the 8th plan, as in
#   厚生労働省 医師偏在指標 (令和6年1月).
# - Designated cities (政令指定都市) and their wards: 全国地方公共団体コード (総務省,
#   https://www.soumu.go.jp/denshijiti/code.html); ward codes follow the city code.
# - core_hospitals: no source at hand names the 中核病院 for pediatric home care,
#   so the lists are empty (unknown), not guessed.
"""

HAMAMATSU_NOTE = """\
# - 浜松市 reorganised its 7 wards into 3 on 2024-01-01 (中区・東区・西区・南区・
#   北区(三方原地区) → 中央区; 北区(その他)・浜北区 → 浜名区; 天竜区 unchanged). The new
#   全国地方公共団体コード are 221384 中央区, 221392 浜名区, 221406 天竜区 (5 digits
#   22138, 22139, 22140; 総務省 全国地方公共団体コード, as listed for 中央区 (浜松市) as
#   22138-4). All of 浜松市 was and is in 2208 西部, so both the new wards and the
#   pre-2024 codes 22131–22137 (still used by N03-2021 and older lists) are listed
#   there.
"""


def toml_list(codes, names, indent="    "):
    lines = [f'{indent}"{code}", # {names[code]}' for code in codes]
    return "\n".join(lines)


def write_prefecture(out_dir, prefecture, rows):
    code, name_ja, name_en, stem = prefecture
    names = {r["municipality_code"]: r["municipality_name"] for r in rows}
    regions = collections.OrderedDict()
    for r in rows:
        regions.setdefault((r["region_code"], r["region_name"]), []).append(r["municipality_code"])
    if code == "22":
        for old in [c for c in names if c.startswith("2213") and c != "22130"]:
            names[old] += "（2023年12月31日まで）"
        for five, _six, name in HAMAMATSU_2024:
            names[five] = name
            key = next(k for k in regions if k[0] == HAMAMATSU_REGION)
            regions[key].append(five)
    text = [HEADER.format(name_ja=name_ja, name_en=name_en)]
    if code == "22":
        text.append(HAMAMATSU_NOTE)
    text.append(f'\n[prefecture]\ncode = "{code}"\nname_ja = "{name_ja}"\nname_en = "{name_en}"\n')
    for city_code, city_name in DESIGNATED:
        if not city_code.startswith(code):
            continue
        wards = sorted(c for c, n in names.items() if n.startswith(city_name) and c != city_code
                       and c[2] == "1")
        text.append(f'\n[[designated_cities]]\ncode = "{city_code}"\nname_ja = "{city_name}"\n'
                    f'wards = [\n{toml_list(wards, names)}\n]\n')
    for (region_code, region_name), members in sorted(regions.items()):
        text.append(f'\n[[regions]]\ncode = "{region_code}"\nname_ja = "{region_name}"\n'
                    f'municipalities = [\n{toml_list(sorted(members), names)}\n]\n'
                    f'core_hospitals = []\n')
    path = out_dir / f"{code}_{stem}.toml"
    path.write_text("".join(text), encoding="utf-8")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", type=pathlib.Path, help="national membership CSV")
    parser.add_argument("--out", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parent.parent / "data" / "regions")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    args = parser.parse_args()
    with args.table.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_prefecture = collections.defaultdict(list)
    for row in rows:
        by_prefecture[row["prefecture_code"]].append(row)
    for prefecture in PREFECTURES:
        existing = list(args.out.glob(f"{prefecture[0]}_*.toml"))
        if existing and not args.force:
            print(f"kept {existing[0]}")
            continue
        print(f"wrote {write_prefecture(args.out, prefecture, by_prefecture[prefecture[0]])}")


if __name__ == "__main__":
    main()
