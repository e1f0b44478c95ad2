"""Write a :class:`Codebook` as DDI Codebook 2.5 XML (what NADA catalogues import)."""

from __future__ import annotations

from lxml import etree

from prisonsurvey.codebook.model import Codebook, Variable

NS = "ddi:codebook:2_5"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "ddi:codebook:2_5 http://www.ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd"


def _el(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: str | None
) -> etree._Element:
    node = etree.SubElement(
        parent, f"{{{NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None and v != ""}
    )
    if text is not None:
        node.text = text
    return node


def _var(parent: etree._Element, index: int, v: Variable, cb: Codebook) -> None:
    numeric = v.type in ("integer", "decimal", "select_one", "calculate")
    attrs = {
        "ID": f"V{index}",
        "name": v.name,
        "files": "F1",
        "intrvl": "contin" if v.type in ("integer", "decimal") and not v.categories else "discrete",
    }
    node = _el(parent, "var", **attrs)
    _el(node, "labl", v.label[:255])
    if v.identifying:
        _el(node, "security", "Direct identifier: never published; removed from public files.")
    qstn = _el(node, "qstn")
    _el(qstn, "qstnLit", v.question or v.label)
    if v.hint:
        _el(qstn, "ivuInstr", v.hint)
    if v.stats is not None and v.stats.minimum is not None and v.stats.maximum is not None:
        rng = _el(node, "valrng")
        _el(rng, "range", min=f"{v.stats.minimum:g}", max=f"{v.stats.maximum:g}")
    if v.universe:
        _el(node, "universe", v.universe)
    if v.stats is not None:
        s = v.stats
        _el(node, "sumStat", str(s.n), type="vald")
        for kind, value in (
            ("mean", s.mean),
            ("medn", s.median),
            ("min", s.minimum),
            ("max", s.maximum),
            ("stdev", s.sd),
        ):
            if value is not None:
                _el(node, "sumStat", f"{value:.6g}", type=kind, wgtd="not-wgtd")
        if s.weighted_mean is not None:
            _el(node, "sumStat", f"{s.weighted_mean:.6g}", type="mean", wgtd="wgtd")
    notes: list[str] = []
    if v.constraint:
        notes.append(f"Constraint: {v.constraint}")
    if v.sensitive:
        notes.append("Asked in a self-administered block.")
    if v.indicator_columns:
        notes.append("0/1 indicator columns: " + ", ".join(v.indicator_columns))
    for c in v.categories:
        cat = _el(node, "catgry", missing="Y" if c.missing else None)
        _el(cat, "catValu", str(c.code))
        _el(cat, "labl", c.label[:255])
        if c.n is not None:
            _el(cat, "catStat", str(c.n), type="freq")
        if c.weighted is not None:
            _el(cat, "catStat", f"{c.weighted:.6g}", type="freq", wgtd="wgtd")
    if v.calculation:
        deriv = _el(node, "derivation")
        _el(deriv, "drvcmd", v.calculation, syntax="XPath (XLSForm)")
    _el(node, "varFormat", type="numeric" if numeric else "character", schema="other")
    for note in notes:
        _el(node, "notes", note)


def render_ddi(codebook: Codebook) -> bytes:
    """Return DDI Codebook 2.5 XML for ``codebook`` (UTF-8, indented, deterministic)."""
    root = etree.Element(
        f"{{{NS}}}codeBook",
        nsmap={None: NS, "xsi": _XSI},
        attrib={
            "version": "2.5",
            "ID": f"{codebook.instrument}-{codebook.version}",
            "{http://www.w3.org/XML/1998/namespace}lang": codebook.lang,
            f"{{{_XSI}}}schemaLocation": SCHEMA_LOCATION,
        },
    )
    study = _el(root, "stdyDscr")
    citation = _el(study, "citation")
    titl = _el(citation, "titlStmt")
    _el(titl, "titl", codebook.title)
    _el(titl, "IDNo", f"{codebook.instrument}-{codebook.version}")
    prod = _el(citation, "prodStmt")
    _el(prod, "producer", "prisonsurvey")
    ver = _el(citation, "verStmt")
    _el(ver, "version", codebook.version)
    info = _el(study, "stdyInfo")
    summary = _el(info, "sumDscr")
    _el(
        summary,
        "universe",
        "Persons deprived of liberty / prison facilities covered by the instrument.",
    )
    file_dscr = _el(root, "fileDscr", ID="F1")
    file_txt = _el(file_dscr, "fileTxt")
    _el(file_txt, "fileName", f"{codebook.instrument}.dta")
    dims = _el(file_txt, "dimensns")
    if codebook.n_rows is not None:
        _el(dims, "caseQnty", str(codebook.n_rows))
    _el(dims, "varQnty", str(len(codebook.variables)))
    data = _el(root, "dataDscr")
    ids = {v.name: f"V{i}" for i, v in enumerate(codebook.variables, start=1)}
    for module in codebook.modules:
        if module.variables:
            group = _el(
                data,
                "varGrp",
                ID=f"G_{module.name}",
                var=" ".join(ids[n] for n in module.variables),
            )
            _el(group, "labl", module.label)
    for index, v in enumerate(codebook.variables, start=1):
        _var(data, index, v, codebook)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
