-- What-if from one model: only the names that are that model (whatif._same_model).
list_contains($models, r.model)
