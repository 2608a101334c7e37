"""View helpers of the Workspace: visibility scopes and redaction, chain map, province tiles, register pages.

工作台视图辅助模块：按用户可见范围脱敏、产业链图谱、省份方块图、风险清单分页。Every function returns
JSON-ready payloads already filtered for one principal's scope; ``services.workspace`` is the only caller.
"""
