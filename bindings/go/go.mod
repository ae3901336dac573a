module usersig/bindings/go

go 1.19
