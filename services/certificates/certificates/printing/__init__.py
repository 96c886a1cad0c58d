"""Certificate PDFs: what a certificate says (wording) and how it is drawn (sheet)."""
from .sheet import render
from ..domain.wording import Certificate

__all__ = ["Certificate", "render"]
