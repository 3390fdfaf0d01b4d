"""Reports for officials: completion per village against the plan's targets.

One build (`model.build`) feeds the dashboard, the Excel/CSV files, the Word quarterly report and
/baocao in chat. `prepare_quarterly_report(services, now)` (quarterly.py) is what the scheduler
calls before the 15th of each quarter's last month.
"""
