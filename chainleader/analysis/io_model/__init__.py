"""Macro input–output analysis: Leontief/Ghosh models, linkages, upstreamness, IIM/DIIM and ARIO.

Layer 1 (imports only ``chainleader.model``). Formulas and conventions: docs METHODS.md §4–§5.
pymrio is optional and only used by :mod:`.pymrio_interop`.

Quick start::

    from chainleader.analysis.io_model import IOTable, leontief, linkages
    lr = leontief(IOTable(Z=Z, Y=f))          # A, LU factors of I − A, productivity check
    lk = linkages(lr)                          # multipliers, BL, FL (Ghosh), key sectors
"""

from chainleader.analysis.io_model.ario import (
    capacity_loss_from_damage,
    capacity_loss_profile,
    productive_capital,
    simulate_ario,
)
from chainleader.analysis.io_model.ario_params import ARIOParams
from chainleader.analysis.io_model.ario_result import ARIOResult
from chainleader.analysis.io_model.errors import (
    ARIOParameterError,
    InoperabilityError,
    IOModelError,
    IOTableError,
    NotProductiveError,
)
from chainleader.analysis.io_model.ghosh import GhoshResult, ghosh
from chainleader.analysis.io_model.icio import read_icio_csv
from chainleader.analysis.io_model.inoperability import (
    DynamicInoperabilityResult,
    InoperabilityResult,
    demand_side_inoperability,
    dynamic_inoperability,
    dynamic_inoperability_closed_form,
    inoperability,
    interdependency_matrix,
    resilience_coefficients,
    supply_side_inoperability,
)
from chainleader.analysis.io_model.leontief import (
    LeontiefResult,
    ProductivityCheck,
    check_productivity,
    leontief,
    technical_coefficients,
)
from chainleader.analysis.io_model.linkages import LinkageResult, linkages, output_multipliers
from chainleader.analysis.io_model.pymrio_interop import from_pymrio, to_pymrio
from chainleader.analysis.io_model.readers import read_csv_table, write_csv_table
from chainleader.analysis.io_model.satellite import ExtensionMultiplierResult, extension_multipliers
from chainleader.analysis.io_model.table import BalanceReport, Extension, IOTable
from chainleader.analysis.io_model.trade import (
    DomesticCoefficientsResult,
    ImportContentResult,
    domestic_coefficients,
    import_content,
    import_shares,
)
from chainleader.analysis.io_model.upstreamness import UpstreamnessResult, upstreamness

__all__ = [
    "ARIOParameterError",
    "ARIOParams",
    "ARIOResult",
    "BalanceReport",
    "DomesticCoefficientsResult",
    "DynamicInoperabilityResult",
    "Extension",
    "ExtensionMultiplierResult",
    "GhoshResult",
    "IOModelError",
    "IOTable",
    "IOTableError",
    "ImportContentResult",
    "InoperabilityError",
    "InoperabilityResult",
    "LeontiefResult",
    "LinkageResult",
    "NotProductiveError",
    "ProductivityCheck",
    "UpstreamnessResult",
    "capacity_loss_from_damage",
    "capacity_loss_profile",
    "check_productivity",
    "demand_side_inoperability",
    "domestic_coefficients",
    "dynamic_inoperability",
    "dynamic_inoperability_closed_form",
    "extension_multipliers",
    "from_pymrio",
    "ghosh",
    "import_content",
    "import_shares",
    "inoperability",
    "interdependency_matrix",
    "leontief",
    "linkages",
    "output_multipliers",
    "productive_capital",
    "read_csv_table",
    "read_icio_csv",
    "resilience_coefficients",
    "simulate_ario",
    "supply_side_inoperability",
    "technical_coefficients",
    "to_pymrio",
    "upstreamness",
    "write_csv_table",
]
