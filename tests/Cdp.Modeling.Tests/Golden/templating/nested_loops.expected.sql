1a1,1b2
2a1,2b2
done
