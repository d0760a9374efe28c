"""Decisions of Relais: triage, which step comes next, when to escalate.

``core`` holds pure-Python logic (no Rasa import) shared by the NLU component,
the custom actions, ``make classify`` and the Telegram adapter's degraded mode.
``actions.nlu`` holds the Rasa NLU graph component; it is deliberately a namespace
package (no ``__init__.py``) so that the action server, which imports every regular
sub-package of ``actions``, does not load Rasa and TensorFlow.
"""
