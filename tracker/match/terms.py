"""Content terms of a statement: what a commitment and its evidence must share for a match to mean anything.

Chinese government prose is dense with verbs of effort (推进, 加强, 深化, 持续, 进一步) and generic nouns
(服务, 工作, 体系, 机制) that every sentence shares. Terms are jieba words minus that boilerplate, plus
names kept whole: anything in 《》 or “” and the domain words below, which jieba would otherwise cut.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba

from tracker.ingest.memo import per_agency

_NAMED = re.compile(r"《([^》]{2,40})》|“([^”]{2,30})”|\"([^\"]{2,30})\"")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+\d*|\d+(?:\.\d+)?%?")

# Field vocabulary jieba's general dictionary cuts in the wrong place or too finely.
DOMAIN_WORDS = (
    "长者饭堂",
    "低保",
    "特困",
    "低保边缘",
    "社工站",
    "双百",
    "双百社工",
    "乡村著名行动",
    "婚俗改革",
    "节地生态安葬",
    "慈善超市",
    "适老化改造",
    "社会组织",
    "社区社会组织",
    "等级评估",
    "福利彩票",
    "福彩",
    "村改社区",
    "城中村",
    "婚姻登记",
    "跨省通办",
    "殡葬设施",
    "殡仪馆",
    "社会救助",
    "临时救助",
    "流浪乞讨",
    "困境儿童",
    "留守儿童",
    "事实无人抚养儿童",
    "儿童福利机构",
    "残疾儿童",
    "两项补贴",
    "养老机构",
    "养老床位",
    "护理型床位",
    "家庭养老床位",
    "居家养老",
    "社区居家养老",
    "认知障碍",
    "助餐配餐",
    "老年助餐",
    "慈善信托",
    "慈善组织",
    "公益创投",
    "党组织",
    "行业协会商会",
    "僵尸型",
    "综合救助",
    "低收入人口",
    "动态监测",
    "区划地名",
    "地名标志",
    "界线联检",
    "生态葬",
    "海葬",
    "树葬",
    "骨灰",
    "志愿服务",
    "社会工作",
    "社工",
    "未成年人保护",
    "收养登记",
    "综合监管",
    "智慧社区",
)

# Words that carry no content of their own in this genre: effort verbs, degree adverbs, generic nouns.
BOILERPLATE = frozenset(
    [
        "推进",
        "推动",
        "加强",
        "深化",
        "持续",
        "进一步",
        "服务",
        "建设",
        "工作",
        "开展",
        "完善",
        "提升",
        "全面",
        "积极",
        "实施",
        "做好",
        "强化",
        "健全",
        "优化",
        "全市",
        "我市",
        "本市",
        "市",
        "区",
        "县",
        "省",
        "年",
        "等",
        "的",
        "地",
        "得",
        "和",
        "与",
        "及",
        "以及",
        "并",
        "为",
        "在",
        "对",
        "了",
        "将",
        "已",
        "以",
        "个",
        "各",
        "各类",
        "各项",
        "有关",
        "相关",
        "全年",
        "全省",
        "全国",
        "水平",
        "体系",
        "机制",
        "能力",
        "质量",
        "发展",
        "管理",
        "新",
        "一批",
        "不断",
        "切实",
        "稳步",
        "大力",
        "深入",
        "扎实",
        "高质量",
        "着力",
        "努力",
        "坚持",
        "落实",
        "进行",
        "加快",
        "加大",
        "力度",
        "不少",
        "少于",
        "不少于",
        "超过",
        "达到",
        "达",
        "实现",
        "通过",
        "其中",
        "共",
        "累计",
        "同比",
        "左右",
        "约",
        "近",
        "多",
        "余",
        "是",
        "有",
        "其",
        "这",
        "该",
        "此",
        "从",
        "向",
        "把",
        "被",
        "让",
        "使",
        "于",
        "中",
        "上",
        "下",
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "一是",
        "二是",
        "三是",
        "四是",
        "年度",
        "今年",
        "明年",
        "目前",
        "截至",
        "以上",
        "以下",
        "以来",
        "方面",
        "领域",
        "重点",
        "主要",
        "继续",
        "不断",
        "进一步",
        "全力",
        "全面",
        "工作任务",
        "任务",
        "要求",
        "情况",
        "有效",
        "更加",
        "逐步",
        "不断",
        "稳妥",
        "有序",
        "扎实推进",
        "着力",
        "持续",
        "深入推进",
        "积极推进",
    ]
)


class Segmenter:
    """jieba's dictionary and algorithm, through rjieba (jieba-rs, 15x faster) where it is installed.

    Both give the same words for the same dictionary; plain jieba is the fallback on platforms without
    an rjieba wheel.
    """

    def __init__(self, words: Iterable[str] = (), *, rust: bool = True) -> None:
        try:
            if not rust:
                raise ImportError("plain jieba asked for")
            import rjieba
        except ImportError:
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in words:
                tokenizer.add_word(word, freq=200_000)
            self.lcut = lambda text: tokenizer.lcut(text, HMM=False)
        else:
            engine = rjieba.Jieba()
            for word in words:
                engine.add_word(word, 200_000, None)
            self.lcut = lambda text: engine.cut(text, False)


@lru_cache(maxsize=1)
def _base_tokenizer() -> Segmenter:
    return Segmenter()


@lru_cache(maxsize=1)
def _tokenizer() -> Segmenter:
    return Segmenter(DOMAIN_WORDS)


@lru_cache(maxsize=100_000)
def compound_parts(word: str) -> list[str]:
    """The words a compound is made of ("社区居家养老" -> 社区, 居家, 养老), by the general dictionary;
    unlike jieba's search mode this never yields straddling pieces such as 家养 or 理工."""
    if len(word) < 4:
        return []
    pieces = _base_tokenizer().lcut(word)
    return pieces if len(pieces) > 1 else []


def named_items(text: str) -> list[str]:
    """Names the text quotes or titles: 《佛山市基本养老服务清单》, “乡村著名行动”."""
    return [next(g for g in match.groups() if g) for match in _NAMED.finditer(text)]


def content_terms(text: str) -> list[str]:
    """The words of a statement that carry content, in order, with quoted and titled names kept whole.

    Args:
        text: a statement in normal form (see tracker.textnorm.normalize).
    """
    return list(_content_terms(text))


@per_agency
def _content_terms(text: str) -> tuple[str, ...]:
    """Segmentation is the costly step of matching, and every statement is scored many times."""
    terms: list[str] = []
    for name in named_items(text):
        terms.append(name)  # its words are added below with the rest of the text
    plain = _NAMED.sub(lambda m: " " + next(g for g in m.groups() if g) + " ", text)
    tokenizer = _tokenizer()
    for run in _CJK_RUN.findall(plain):
        if run[0].isdigit():
            continue
        # Whole words and their parts ("社区居家养老" and "社区", "居家", "养老"): a summary rarely repeats
        # a plan's compound word, but it does repeat its parts.
        for word in tokenizer.lcut(run):
            for term in [word, *compound_parts(word)]:
                if len(term) >= 2 and term not in BOILERPLATE and not term.isdigit():
                    terms.append(term)
    return tuple(terms)


def plain_words(text: str) -> list[str]:
    """Every jieba word (the baseline scorers' view of a text: no boilerplate removed)."""
    return [w for w in _tokenizer().lcut(text) if w.strip()]
