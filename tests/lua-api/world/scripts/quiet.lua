-- quiet.lua — parcel q: its zone allows scripts only; reads still work.
function on_load() log.info("quiet", parcel.zone()) end
