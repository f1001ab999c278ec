"""The assessment workflow around the engine: batch runs, questionnaire, explain, diff and init."""
