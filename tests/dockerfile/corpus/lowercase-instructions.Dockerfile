from alpine as build
run echo hi
copy --from=build /a /b
cmd ["sh"]
