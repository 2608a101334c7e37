"""chainleader.analysis — layer 1: pure computations over model objects.

断链风险引擎（issue #3）：编译形式、集中度、对外依存度、与-或物料清单上的断链风险点、国内备份、卡脖子识别、
风险清单。The TTR/TTS linear programmes live in ``chainleader.analysis.ttr_tts`` and are imported lazily.
"""

from chainleader.analysis.backups import BackupViolationsResult, backup_candidates, domestic_backup_violations
from chainleader.analysis.chokepoints import ChokepointResult, chokepoints
from chainleader.analysis.compiled import CompiledDataset, clear_cache, compile_dataset
from chainleader.analysis.concentration import (
    ConcentrationResult,
    concentration,
    concentration_ratio,
    hhi,
    hhi_bounds,
    hill_number,
    shannon,
)
from chainleader.analysis.dependence import ImportDependenceResult, import_dependence
from chainleader.analysis.flow_network import FlowNetwork
from chainleader.analysis.params import RiskParams
from chainleader.analysis.register import RiskRegister, assess
from chainleader.analysis.single_points import SpofResult, single_points_of_failure
from chainleader.analysis.stress import build_flow

__all__ = [
    "BackupViolationsResult",
    "ChokepointResult",
    "CompiledDataset",
    "ConcentrationResult",
    "FlowNetwork",
    "ImportDependenceResult",
    "RiskParams",
    "RiskRegister",
    "SpofResult",
    "assess",
    "backup_candidates",
    "build_flow",
    "chokepoints",
    "clear_cache",
    "compile_dataset",
    "concentration",
    "concentration_ratio",
    "domestic_backup_violations",
    "hhi",
    "hhi_bounds",
    "hill_number",
    "import_dependence",
    "shannon",
    "single_points_of_failure",
]
