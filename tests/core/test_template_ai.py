"""The built-in template for decisions that introduce an AI system asks security's questions."""

from __future__ import annotations

from kbridge.core import KnowledgeBase, template_names


def test_ai_initiative_template_asks_securitys_questions(kb: KnowledgeBase) -> None:
    assert "ai-initiative" in template_names()
    kb.create("decision", "Adopt an AI coding assistant", template="ai-initiative")
    body = kb.get("ADR-0001").body
    headings = [line for line in body.splitlines() if line.startswith("### ")]
    assert headings[:5] == ["### Data exposure", "### Model integrity", "### Shadow use", "### Adversarial use",
                            "### Accountability for AI-generated code and content"]
    assert "used to train or tune anyone's model" in body and "Who is accountable" in body
