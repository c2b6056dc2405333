"""Clinical Concept Harmonizer engine: maps messy clinical text to RxNorm / SNOMED CT codes.

Pure Python; imports no Ray. ``actors/`` and ``jobs/`` wrap it for Ray Data, Ray Serve and Ray Jobs.
"""
__version__ = "0.1.0"
