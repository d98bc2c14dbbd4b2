"""The centre tabs. Each follows :class:`gui.panels.base.Panel`; import the modules directly
(``gui.panels.schedule``, ``gui.panels.forward``, ``gui.panels.training``, ``gui.panels.sampling``)."""
