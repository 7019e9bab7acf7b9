"""The preview behind `python -m bot ask`: the real bot against the loopback Discord, in one process.

arguments.py     the sub-command's arguments (cheap to import: `python -m bot` parses them)
ask.py           the sub-command: running one command (and clicks), printing the result
session.py       PreviewSession: the emulator and the real FandexBot started as the tests start them;
                 one interaction at a time, read back from what the emulator recorded
world.py         the preview server (stable ids) built with the emulator's world API
command_line.py  `/cmd sub option:value` parsed against the registered commands; values typed
terminal.py      message JSON -> terminal text (spoilers marked, mentions and timestamps resolved)
"""
